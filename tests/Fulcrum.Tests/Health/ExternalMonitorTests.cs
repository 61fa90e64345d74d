using System.Diagnostics;
using Fulcrum.Appliance.Balancing;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(nameof(HealthTimingCollection))]
public sealed class ExternalMonitorTests
{
    private static string Script(TempDir dir, string body)
    {
        var path = Path.Combine(dir.Path, "check.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task External_ExitCodeDecides_ArgumentsAndEnvironmentCarryTheTarget()
    {
        using var dir = new TempDir();
        var flag = Path.Combine(dir.Path, "up");
        var log = Path.Combine(dir.Path, "log");
        File.WriteAllText(flag, "");
        var program = Script(dir, $"echo \"$1 $2 $3 $MON_ADDR $MON_PORT $NODE_IP $NODE_PORT\" >> {log}\ntest -f {flag}");
        var monitor = new Monitor { Name = "x", Type = "external", Interval = 1, Timeout = 3, Program = program, Arguments = ["extra"] };
        await using var live = await LiveMonitor.StartAsync(monitor, "127.0.0.5", 8443);
        await LiveAssert.UpSoonAsync(live);
        Assert.StartsWith("127.0.0.5 8443 extra 127.0.0.5 8443 127.0.0.5 8443", File.ReadAllText(log));

        File.Delete(flag);
        await LiveAssert.DownAfterTimeoutAsync(live, "^external: exit 1$");

        File.WriteAllText(flag, "");
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task External_RunningPastTimeout_IsKilledWithItsChildren()
    {
        using var dir = new TempDir();
        var pids = Path.Combine(dir.Path, "pids");
        var program = Script(dir, $"sleep 30 &\necho $! >> {pids}\nwait");
        var monitor = new Monitor { Name = "x", Type = "external", Interval = 1, Timeout = 3, Program = program };
        await using var live = await LiveMonitor.StartAsync(monitor, "127.0.0.1", 80);

        // The first probe starts within one interval and is killed 3 s later; a loaded 2-core CI box gets 1 s of slack
        // (a process start and a kill of its tree are each tens of milliseconds there, and both are on this path).
        var took = await live.WaitForAsync(HealthStatus.Down, 6);
        Assert.InRange(took.TotalSeconds, 2.9, 5.0);
        Assert.Matches("^external: killed after 3s$", live.Member.Health.Reason);

        foreach (var pid in File.ReadAllLines(pids).Where(l => l.Length > 0).Take(1).Select(int.Parse))
        {
            // The tree is killed as the probe times out; the child's exit is reaped a moment later.
            var gone = Stopwatch.StartNew();
            while (IsAlive(pid) && gone.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
            }
            Assert.False(IsAlive(pid), $"child sleep {pid} outlived the timeout");
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
