using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Fulcrum.Tests.Health;

/// <summary>
/// 2,000 members at a one-second interval in the real appliance: 20 ports on each of 100 loopback addresses
/// (127.0.0.1–127.0.0.100). Reports the appliance's CPU and thread count while it monitors them. Run with
/// <c>bench/health-scale.sh</c> (or the filter <c>Category=Scale</c>); it takes about 30 s and runs in the suite only when FULCRUM_SCALE=1, since its throughput bounds need a quiet machine.
/// </summary>
[Trait("Category", "Scale")]
public sealed class HealthScaleTests(ITestOutputHelper output)
{
    private const int Addresses = 100;
    private const int Ports = 20;

    [ScaleFact]
    public async Task TwoThousandMembers_OneSecondInterval_AllUp_CpuAndThreadsReported()
    {
        // Each listener takes a port the OS gives it, so the test never collides with other tests' sockets.
        var ports = new int[Addresses + 1, Ports];
        var listeners = new List<Socket>();
        var accepted = 0L;
        try
        {
            for (var a = 1; a <= Addresses; a++)
            {
                for (var p = 0; p < Ports; p++)
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    s.Bind(new IPEndPoint(IPAddress.Parse($"127.0.0.{a}"), 0));
                    ports[a, p] = ((IPEndPoint)s.LocalEndPoint!).Port;
                    s.Listen(128);
                    listeners.Add(s);
                    _ = AcceptAsync(s, () => Interlocked.Increment(ref accepted));
                }
            }

            using var dir = new TempDir();
            await using var appliance = await ApplianceProcess.StartAsync(dir.Path);
            using var api = appliance.Client();
            Assert.Equal(201, (await api.Post("/api/v1/monitors", """{"name":"m","type":"tcp","interval":1,"timeout":3}""")).Code);
            var members = new StringBuilder();
            for (var a = 1; a <= Addresses; a++)
            {
                for (var p = 0; p < Ports; p++)
                {
                    members.Append(CultureInfo.InvariantCulture, $"{(members.Length > 0 ? "," : "")}{{\"address\":\"127.0.0.{a}\",\"port\":{ports[a, p]}}}");
                }
            }
            var created = await api.Post("/api/v1/pools", $$"""{"name":"big","monitors":["m"],"members":[{{members}}]}""");
            Assert.Equal(201, created.Code);

            var sw = Stopwatch.StartNew();
            while (await CountAsync(api, "up") < Addresses * Ports)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"only {await CountAsync(api, "up")} of {Addresses * Ports} up after 20 s");
                await Task.Delay(250);
            }
            var allUp = sw.Elapsed;

            // Steady state: CPU over 20 s, threads sampled each second.
            var (cpu0, wall0) = (CpuSeconds(appliance.Pid), Stopwatch.StartNew());
            var accepted0 = Interlocked.Read(ref accepted);
            var threads = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                await Task.Delay(1000);
                threads.Add(Threads(appliance.Pid));
            }
            var cpu = (CpuSeconds(appliance.Pid) - cpu0) / wall0.Elapsed.TotalSeconds;
            var probesPerSecond = (Interlocked.Read(ref accepted) - accepted0) / wall0.Elapsed.TotalSeconds;

            // One port closed on every address: 100 members go down, the rest stay up.
            foreach (var s in listeners.Where((_, i) => i % Ports == 0))
            {
                s.Dispose();
            }
            sw.Restart();
            while (await CountAsync(api, "down") < Addresses)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(8), $"only {await CountAsync(api, "down")} down 8 s after closing {Addresses} listeners");
                await Task.Delay(100);
            }
            var downAfter = sw.Elapsed;
            Assert.Equal(Addresses * (Ports - 1), await CountAsync(api, "up"));

            var report = string.Create(CultureInfo.InvariantCulture,
                $"members={Addresses * Ports} interval=1s cores={Environment.ProcessorCount} all-up-after={allUp.TotalSeconds:F1}s probes/s={probesPerSecond:F0} cpu={cpu * 100:F1}% (of one core) threads=min {threads.Min()} max {threads.Max()} 100-down-after={downAfter.TotalSeconds:F1}s");
            output.WriteLine(report);
            Console.WriteLine("HEALTH-SCALE " + report);
            Assert.InRange(probesPerSecond, Addresses * Ports * 0.9, Addresses * Ports * 1.1);
            Assert.True(threads.Max() < 100, $"{threads.Max()} threads");
        }
        finally
        {
            foreach (var s in listeners)
            {
                s.Dispose();
            }
        }
    }

    private static async Task AcceptAsync(Socket listener, Action accepted)
    {
        while (true)
        {
            try
            {
                using var c = await listener.AcceptAsync();
                accepted();
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private static async Task<int> CountAsync(ApiClient api, string status)
    {
        var r = await api.Get("/api/v1/status");
        return r.Json.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "big")
            .GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == status);
    }

    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name; clock ticks are 100 a second on Linux.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
}
