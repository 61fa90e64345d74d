using Fulcrum.Appliance.Balancing;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[Collection(nameof(HealthTimingCollection))]
public sealed class TcpMonitorTests
{
    [Fact]
    public async Task Tcp_ListenerClosedThenReopened_DownAfterTimeout_UpWithinInterval()
    {
        await using var server = new TestHttpServer();
        await using var live = await LiveMonitor.StartAsync(new Monitor { Name = "t", Type = "tcp", Interval = 1, Timeout = 3 }, "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Stop();
        await LiveAssert.DownAfterTimeoutAsync(live, "^tcp: connection refused$");

        server.Start();
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task Tcp_SendReceive_WrongContentIsDown_RightContentIsUp()
    {
        await using var server = new TestHttpServer();
        var monitor = new Monitor { Name = "t", Type = "tcp", Interval = 1, Timeout = 3, Send = "GET / HTTP/1.0\\r\\n\\r\\n", Receive = "\\r\\n\\r\\nok$" };
        await using var live = await LiveMonitor.StartAsync(monitor, "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.WrongContent;
        await LiveAssert.DownAfterTimeoutAsync(live, "^tcp: receive string not found$");

        server.Mode = HttpMode.Ok;
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task Tcp_NothingListening_IsDownAtFirstProbe()
    {
        await using var live = await LiveMonitor.StartAsync(new Monitor { Name = "t", Type = "tcp", Interval = 1, Timeout = 3 }, "127.0.0.1", Infrastructure.FreePort.Next());
        await LiveAssert.StatusSoonAsync(live, HealthStatus.Down, "^tcp: connection refused$");
    }
}
