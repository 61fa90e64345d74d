using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Fulcrum.Tests.Packet;
using Xunit.Abstractions;

namespace Fulcrum.Tests.Cluster;

/// <summary>
/// An active–standby pair on keepalived, in network namespaces, with the real <c>fulcrum</c> processes and the
/// keepalived.conf that <c>fulcrum cluster keepalived-config</c> generates:
/// <code>
///  [a: fulcrum + keepalived] 10.152.1.11 ─┐
///  [b: fulcrum + keepalived] 10.152.1.12 ─┤ [sw: bridge]      VIP 10.152.1.100 (virtual www :80) moved by VRRP
///  [rs: member] 10.152.1.20:8080         ─┤
///  test process (client, management) 10.152.1.2 ─┘
/// </code>
/// The client sends one request per new connection every 20 ms; box a's appliance is killed (SIGKILL) and the test
/// measures the time until requests succeed again through box b, and how many failed.
/// </summary>
public sealed class KeepalivedFailoverTests
{
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture);
    private static readonly string A = "fha-a" + Id, B = "fha-b" + Id, Sw = "fha-sw" + Id, Rs = "fha-rs" + Id, Host = "fhah" + Id;
    private const string Vip = "10.152.1.100";

    private readonly ITestOutputHelper _out;

    public KeepalivedFailoverTests(ITestOutputHelper output) => _out = output;

    [KeepalivedFact]
    public async Task ActiveApplianceKilled_KeepalivedMovesTheVip_RequestsRecoverThroughTheStandby() =>
        await Failover("SIGKILL of the active appliance", app => app.Kill(), _ => { });

    /// <summary>A hung process (SIGSTOP) keeps its sockets but stops rewriting its state file: stale after 3 s, the check fails.</summary>
    [KeepalivedFact]
    public async Task ActiveApplianceHung_StaleHeartbeat_KeepalivedMovesTheVip() =>
        await Failover("SIGSTOP of the active appliance (hung)", app => Signal(app.Pid, 19), app => Signal(app.Pid, 18));

    private static void Signal(int pid, int signal)
    {
        using var p = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        p.WaitForExit();
    }

    private async Task Failover(string failure, Action<ApplianceProcess> fail, Action<ApplianceProcess> undo)
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        Assert.True(File.Exists(KeepalivedFactAttribute.Binary), "this test needs keepalived (apt-get install keepalived)");
        await TearDown();
        using var dir = new TempDir();
        var script = Path.Combine(dir.Path, "rs.py");
        await File.WriteAllTextAsync(script, PacketLab.Server);
        Process? rs = null, kaA = null, kaB = null;
        ApplianceProcess? appA = null, appB = null;
        var failed = false;
        try
        {
            await SetUp();
            rs = PacketLab.StartIn(Rs, "python3", script, "rs");
            appA = await StartBox(A, "10.152.1.11", Path.Combine(dir.Path, "a"));
            appB = await StartBox(B, "10.152.1.12", Path.Combine(dir.Path, "b"));
            kaA = await StartKeepalived(A, appA.DataDir, dir.Path, priority: 150);
            kaB = await StartKeepalived(B, appB.DataDir, dir.Path, priority: 100);

            await WaitFor(async () => (await PacketLab.InNs(A, "ip", "-br", "addr", "show", "e0")).Contains(Vip, StringComparison.Ordinal), "box a to take the VIP", kaA, kaB);
            await WaitFor(async () => (await Request()) == "rs 10.152.1.11", "requests through box a", kaA, kaB);
            Assert.DoesNotContain(Vip, await PacketLab.InNs(B, "ip", "-br", "addr", "show", "e0"), StringComparison.Ordinal);

            // Constant load: one request per new connection every 20 ms, each given 0.5 s.
            var results = new List<(TimeSpan At, string? Answer)>();
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var load = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var answer = await Request();
                    lock (results)
                    {
                        results.Add((clock.Elapsed, answer));
                    }
                    await Task.Delay(20);
                }
            });
            await Task.Delay(1000);
            var failedAt = clock.Elapsed;
            fail(appA);
            failed = true;
            await WaitFor(() => Task.FromResult(Recovered(results, failedAt) is not null), "requests through box b", kaA, kaB, seconds: 20);
            await Task.Delay(2000);
            await stop.CancelAsync();
            await load;

            var recoveredAt = Recovered(results, failedAt)!.Value;
            var after = results.Where(r => r.At >= failedAt).ToList();
            var failures = after.Count(r => r.At < recoveredAt && r.Answer != "rs 10.152.1.11");
            var recovery = recoveredAt - failedAt;
            var line = $"failover after {failure}: recovered in {recovery.TotalMilliseconds:0} ms, {failures} of {after.Count(r => r.At < recoveredAt)} requests failed meanwhile, {results.Count(r => r.At < failedAt && r.Answer is null)} failed before";
            _out.WriteLine(line);
            Console.WriteLine(line);
            // The timeline, each change of answer with its time from the failure (null: failed or timed out after 0.5 s).
            string? last = "start";
            foreach (var (at, answer) in after)
            {
                if (answer != last)
                {
                    _out.WriteLine($"  {(at - failedAt).TotalMilliseconds,6:0} ms  {answer ?? "failed"}");
                    last = answer;
                }
            }
            foreach (var (ns, log) in _logs.Values)
            {
                lock (log)
                {
                    _out.WriteLine($"--- keepalived in {ns}:\n{log}");
                }
            }
            Assert.True(results.Where(r => r.At < failedAt).All(r => r.Answer == "rs 10.152.1.11"), "requests failed before the failure");
            Assert.True(after.Where(r => r.At >= recoveredAt).All(r => r.Answer == "rs 10.152.1.12"), "requests failed after recovery: " + string.Join(", ", after.Where(r => r.At >= recoveredAt && r.Answer != "rs 10.152.1.12").Select(r => $"{r.At.TotalMilliseconds:0}:{r.Answer}")));
            Assert.True(recovery < TimeSpan.FromSeconds(10), line);
            Assert.Contains(Vip, await PacketLab.InNs(B, "ip", "-br", "addr", "show", "e0"), StringComparison.Ordinal);
            Assert.DoesNotContain(Vip, await PacketLab.InNs(A, "ip", "-br", "addr", "show", "e0"), StringComparison.Ordinal);
            // The notify hook ran on both boxes.
            Assert.Contains(" fulcrum MASTER ", await File.ReadAllTextAsync(Path.Combine(appB.DataDir, "cluster-events.log")), StringComparison.Ordinal);
            Assert.Contains(" fulcrum FAULT ", await File.ReadAllTextAsync(Path.Combine(appA.DataDir, "cluster-events.log")), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var p in new[] { kaA, kaB, rs })
            {
                if (p is { HasExited: false })
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
                p?.Dispose();
            }
            if (failed && appA is not null)
            {
                undo(appA);
            }
            foreach (var app in new[] { appA, appB })
            {
                if (app is not null)
                {
                    await app.DisposeAsync();
                }
            }
            await TearDown();
        }
    }

    /// <summary>The first moment after the kill from which every request was answered by box b.</summary>
    private static TimeSpan? Recovered(List<(TimeSpan At, string? Answer)> results, TimeSpan failedAt)
    {
        lock (results)
        {
            TimeSpan? since = null;
            foreach (var (at, answer) in results.Where(r => r.At >= failedAt))
            {
                if (answer == "rs 10.152.1.12")
                {
                    since ??= at;
                }
                else
                {
                    since = null;
                }
            }
            return since is { } s && results[^1].At - s > TimeSpan.FromMilliseconds(500) ? s : null;
        }
    }

    private static async Task<string?> Request()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(System.Net.IPAddress.Parse(Vip), 80, cts.Token);
            await socket.SendAsync("GET / HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n"u8.ToArray(), cts.Token);
            var buffer = new byte[4096];
            var total = 0;
            int n;
            while ((n = await socket.ReceiveAsync(buffer.AsMemory(total), cts.Token)) > 0)
            {
                total += n;
            }
            var text = Encoding.ASCII.GetString(buffer, 0, total);
            var body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains(" 200 ", StringComparison.Ordinal) && body > 0 ? text[(body + 4)..] : null;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<ApplianceProcess> StartBox(string ns, string address, string dataDir)
    {
        var app = await ApplianceProcess.StartAsync(dataDir, launcher: ["ip", "netns", "exec", ns], host: address);
        using var api = app.Client();
        await DataPlaneApi.Ok(api.Post("/api/v1/monitors", """{"name":"fast","type":"tcp","interval":1,"timeout":3}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","monitors":["fast"],"members":[{"address":"10.152.1.20","port":8080}]}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", $$"""{"name":"www","destination":"{{Vip}}:80","pool":"rs","profiles":["tcp","http"]}"""));
        return app;
    }

    private async Task<Process> StartKeepalived(string ns, string dataDir, string work, int priority)
    {
        var generated = await FulcrumCli.RunAsync(null, "cluster", "keepalived-config", "--data", dataDir, "--interface", "e0", "--router-id", "152",
            "--priority", priority.ToString(CultureInfo.InvariantCulture), "--advert-int", "0.2", "--check-interval", "1", "--fall", "1", "--rise", "2",
            "--fulcrum", $"{DotnetPath()} {ApplianceProcess.FulcrumDll}");
        Assert.True(generated.ExitCode == 0, generated.Err);
        Assert.Contains($"        {Vip}/32 dev e0\n", generated.Out, StringComparison.Ordinal);
        var conf = Path.Combine(work, ns + ".conf");
        await File.WriteAllTextAsync(conf, generated.Out);
        _out.WriteLine(generated.Out);
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", ns, KeepalivedFactAttribute.Binary, "-n", "-l", "-P", "-f", conf,
                     "-p", Path.Combine(work, ns + ".pid"), "-r", Path.Combine(work, ns + ".vrrp.pid"), "-c", Path.Combine(work, ns + ".chk.pid")])
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _logs[process] = (ns, log);
        return process;
    }

    private readonly Dictionary<Process, (string Ns, StringBuilder Log)> _logs = [];

    /// <summary>The dotnet host running the tests (keepalived runs the check with it, by absolute path).</summary>
    private static string DotnetPath() =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "/usr/share/dotnet/dotnet";

    private async Task WaitFor(Func<Task<bool>> condition, string what, Process? kaA, Process? kaB, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var logs = string.Join("\n", _logs.Values.Select(l => { lock (l.Log) { return $"--- keepalived in {l.Ns}:\n{l.Log}"; } }));
                Assert.Fail($"timed out waiting for {what}\n{logs}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task SetUp()
    {
        async Task Ip(params string[] a) => await Shell.Run("ip", a);
        foreach (var ns in new[] { A, B, Sw, Rs })
        {
            await Ip("netns", "add", ns);
            await Ip("-n", ns, "link", "set", "lo", "up");
        }
        await Ip("-n", Sw, "link", "add", "br0", "type", "bridge");
        await Ip("-n", Sw, "link", "set", "br0", "up");
        var i = 0;
        foreach (var (ns, address) in new[] { (A, "10.152.1.11"), (B, "10.152.1.12"), (Rs, "10.152.1.20") })
        {
            await Ip("-n", ns, "link", "add", "e0", "type", "veth", "peer", "name", $"p{i}", "netns", Sw);
            await Ip("-n", ns, "addr", "add", address + "/24", "dev", "e0");
            await Ip("-n", ns, "link", "set", "e0", "up");
            i++;
        }
        // The standby listens on the VIP before it holds it.
        foreach (var ns in new[] { A, B })
        {
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1");
        }
        // The test process: client of the VIP and of both management APIs.
        await Ip("link", "add", Host, "type", "veth", "peer", "name", $"p{i}", "netns", Sw);
        await Ip("addr", "add", "10.152.1.2/24", "dev", Host);
        await Ip("link", "set", Host, "up");
        for (var p = 0; p <= i; p++)
        {
            await Ip("-n", Sw, "link", "set", $"p{p}", "master", "br0");
            await Ip("-n", Sw, "link", "set", $"p{p}", "up");
        }
    }

    private static async Task TearDown()
    {
        foreach (var ns in new[] { A, B, Sw, Rs })
        {
            await Shell.Run(false, "ip", "netns", "del", ns);
        }
        await Shell.Run(false, "ip", "link", "del", Host);
    }
}
