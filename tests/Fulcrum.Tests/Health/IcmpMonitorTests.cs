using System.Diagnostics;
using Fulcrum.Appliance.Balancing;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[Collection(nameof(HealthTimingCollection))]
public sealed class IcmpMonitorTests
{
    [Fact]
    public async Task Icmp_Loopback_IsUp()
    {
        await using var live = await LiveMonitor.StartAsync(new Monitor { Name = "i", Type = "icmp", Interval = 1, Timeout = 3 }, "127.0.0.1", 80);
        await LiveAssert.UpSoonAsync(live);
    }

    /// <summary>
    /// A target in a network namespace of the test's own (veth pair, private /30): it stops answering echo requests
    /// (<c>icmp_echo_ignore_all</c> in that namespace only) and starts again.
    /// </summary>
    [RootFact]
    public async Task Icmp_TargetStopsAnsweringThenAnswersAgain_DownAfterTimeout_UpWithinInterval()
    {
        using var ns = new PingNamespace();
        await using var live = await LiveMonitor.StartAsync(new Monitor { Name = "i", Type = "icmp", Interval = 1, Timeout = 3 }, ns.TargetAddress, 80);
        await LiveAssert.UpSoonAsync(live);

        ns.AnswerPings(false);
        await LiveAssert.DownAfterTimeoutAsync(live, "^icmp: (timed out|no answer within 3s)$");

        ns.AnswerPings(true);
        // A ping in flight may wait out its 3 s before the next one is answered.
        await live.WaitForAsync(HealthStatus.Up, 5);
    }

    private sealed class PingNamespace : IDisposable
    {
        private readonly string _name = "fh" + Guid.NewGuid().ToString("N")[..6];

        public PingNamespace()
        {
            var net = $"10.213.{Random.Shared.Next(1, 254)}";
            TargetAddress = $"{net}.2";
            Run($"ip netns add {_name}");
            Run($"ip link add {_name}a type veth peer name {_name}b");
            Run($"ip link set {_name}b netns {_name}");
            Run($"ip addr add {net}.1/30 dev {_name}a");
            Run($"ip link set {_name}a up");
            Run($"ip netns exec {_name} ip addr add {net}.2/30 dev {_name}b");
            Run($"ip netns exec {_name} ip link set {_name}b up");
            Run($"ip netns exec {_name} ip link set lo up");
        }

        public string TargetAddress { get; }

        public void AnswerPings(bool answer) =>
            Run($"ip netns exec {_name} sh -c 'echo {(answer ? 0 : 1)} > /proc/sys/net/ipv4/icmp_echo_ignore_all'");

        private static void Run(string command)
        {
            using var p = Process.Start(new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardError = true })!;
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{command}' failed ({p.ExitCode}): {error}");
            }
        }

        public void Dispose()
        {
            try
            {
                Run($"ip netns del {_name}");
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
