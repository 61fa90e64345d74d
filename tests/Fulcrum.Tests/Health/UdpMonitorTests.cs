using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[Collection(nameof(HealthTimingCollection))]
public sealed class UdpMonitorTests
{
    private static Monitor Udp() => new() { Name = "u", Type = "udp", Interval = 1, Timeout = 3, Send = "ping", Receive = "^pong$" };

    [Fact]
    public async Task Udp_PortClosedThenReopened_DownAfterTimeout_UpWithinInterval()
    {
        using var server = new TestUdpServer();
        await using var live = await LiveMonitor.StartAsync(Udp(), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Stop();
        await LiveAssert.DownAfterTimeoutAsync(live, "^udp: port unreachable$");

        server.Start();
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task Udp_NoAnswer_IsDown()
    {
        using var server = new TestUdpServer();
        await using var live = await LiveMonitor.StartAsync(Udp(), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Silent = true;
        await LiveAssert.DownAfterTimeoutAsync(live, "^udp: no answer within 3s$");

        server.Silent = false;
        await live.WaitForAsync(Fulcrum.Appliance.Balancing.HealthStatus.Up, 5);
    }
}
