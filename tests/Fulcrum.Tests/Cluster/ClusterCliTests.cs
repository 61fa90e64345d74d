using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Cluster;

/// <summary><c>fulcrum cluster keepalived-config|check|notify</c> run as keepalived and an operator run them, beside a real appliance.</summary>
public sealed class ClusterCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Check_FollowsTheRunningAppliance_HealthyOnlyWhenListeningOnCurrentGeneration()
    {
        var port = FreePort.Next();
        await using (var appliance = await ApplianceProcess.StartAsync(_dir.Path))
        {
            using var api = appliance.Client();
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", $$"""{"name":"www","destination":"127.0.0.1:{{port}}","profiles":["tcp"]}"""));
            var healthy = await WaitCheck(0);
            Assert.StartsWith("healthy: generation ", healthy.Out, StringComparison.Ordinal);
            await WaitScript(0);

            // An address this box cannot bind (no ip_nonlocal_bind here): the listener errs, the check says which.
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"vip","destination":"10.152.99.77:80","profiles":["tcp"]}"""));
            var failed = await WaitCheck(1);
            Assert.Contains("unhealthy: virtual vip (10.152.99.77:80) is error", failed.Err, StringComparison.Ordinal);
            await WaitScript(1);

            var config = await FulcrumCli.RunAsync(null, "cluster", "keepalived-config", "--data", _dir.Path, "--interface", "eth0", "--router-id", "9", "--fulcrum", "/usr/bin/fulcrum");
            Assert.True(config.ExitCode == 0, config.Err);
            Assert.Contains("        10.152.99.77/32 dev eth0\n", config.Out, StringComparison.Ordinal);
            Assert.Contains($"# not moved: www: 127.0.0.1 cannot move between boxes\n", config.Out, StringComparison.Ordinal);
            var script = Path.Combine(Path.GetDirectoryName(ApplianceProcess.FulcrumDll)!, "fulcrum-check.sh");
            Assert.Contains($"script \"/bin/sh {script} {Path.GetFullPath(_dir.Path)}\"", config.Out, StringComparison.Ordinal);
            Assert.Contains($"notify \"/usr/bin/fulcrum cluster notify --data {Path.GetFullPath(_dir.Path)}\"", config.Out, StringComparison.Ordinal);
        }

        // Stopped cleanly: the state file is gone, so the check fails at once.
        var stopped = await FulcrumCli.RunAsync(null, "cluster", "check", "--data", _dir.Path);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("no cluster state file", stopped.Err, StringComparison.Ordinal);
        Assert.Equal(1, await Script());
    }

    [Fact]
    public async Task KeepalivedConfig_BadOptions_EveryProblemListed_Exit1()
    {
        await using (await ApplianceProcess.StartAsync(_dir.Path))
        {
        }

        var r = await FulcrumCli.RunAsync(null, "cluster", "keepalived-config", "--data", _dir.Path, "--interface", "eth0", "--router-id", "300", "--advert-int", "fast", "--state", "primary");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--advert-int: 'fast' is not a number of seconds", r.Err, StringComparison.Ordinal);
        Assert.Contains("--router-id: 300 is outside 1..255", r.Err, StringComparison.Ordinal);
        Assert.Contains("--state: 'primary' is not MASTER or BACKUP", r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Notify_AppendsKeepalivedsArguments()
    {
        var r = await FulcrumCli.RunAsync(null, "cluster", "notify", "--data", _dir.Path, "INSTANCE", "fulcrum", "MASTER", "150");

        Assert.Equal(0, r.ExitCode);
        Assert.EndsWith(" INSTANCE fulcrum MASTER 150\n", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "cluster-events.log")), StringComparison.Ordinal);
    }

    /// <summary>fulcrum-check.sh, as keepalived runs it.</summary>
    private async Task<int> Script()
    {
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh") { ArgumentList = { Path.Combine(Path.GetDirectoryName(ApplianceProcess.FulcrumDll)!, "fulcrum-check.sh"), _dir.Path } };
        using var p = System.Diagnostics.Process.Start(info)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }

    private async Task WaitScript(int exitCode)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await Script() != exitCode)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fulcrum-check.sh did not exit {exitCode}: {await File.ReadAllTextAsync(Path.Combine(_dir.Path, "cluster-state.json"))}");
            await Task.Delay(200);
        }
    }

    private async Task<FulcrumCli.Result> WaitCheck(int exitCode)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var r = await FulcrumCli.RunAsync(null, "cluster", "check", "--data", _dir.Path);
            if (r.ExitCode == exitCode || DateTime.UtcNow > deadline)
            {
                Assert.True(r.ExitCode == exitCode, $"check exit {r.ExitCode}: {r.Out}{r.Err}");
                return r;
            }
            await Task.Delay(300);
        }
    }
}
