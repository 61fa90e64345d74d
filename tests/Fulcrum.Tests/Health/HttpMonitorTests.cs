using Fulcrum.Appliance.Balancing;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[Collection(nameof(HealthTimingCollection))]
public sealed class HttpMonitorTests
{
    private static Monitor Http(string type = "http", string? receive = "ok", string? receiveDisable = null, int[]? expected = null) => new()
    {
        Name = "h",
        Type = type,
        Interval = 1,
        Timeout = 3,
        Send = "GET /health HTTP/1.0\r\nHost: health.test\r\n\r\n",
        Receive = receive,
        ReceiveDisable = receiveDisable,
        ExpectedStatusCodes = [.. expected ?? []],
    };

    [Fact]
    public async Task Http_ServerStoppedThenRestarted_DownAfterTimeout_UpWithinInterval()
    {
        await using var server = new TestHttpServer();
        await using var live = await LiveMonitor.StartAsync(Http(), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Stop();
        await LiveAssert.DownAfterTimeoutAsync(live, "^http: connection refused$");

        server.Start();
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task Http_Status503_IsDownWithTheStatusInTheReason()
    {
        await using var server = new TestHttpServer();
        await using var live = await LiveMonitor.StartAsync(Http(receive: null), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.Unavailable;
        await LiveAssert.DownAfterTimeoutAsync(live, "^http: status 503 not expected$");

        server.Mode = HttpMode.Ok;
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task Http_WrongContent_IsDown()
    {
        await using var server = new TestHttpServer();
        await using var live = await LiveMonitor.StartAsync(Http(receive: "(?s)^HTTP/1\\.0 200 .*\\r\\n\\r\\nok$"), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.WrongContent;
        await LiveAssert.DownAfterTimeoutAsync(live, "^http: receive string not found$");
    }

    [Fact]
    public async Task Http_AnswerSlowerThanTimeout_IsDown()
    {
        await using var server = new TestHttpServer();
        await using var live = await LiveMonitor.StartAsync(Http(), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.Slow;
        await LiveAssert.DownAfterTimeoutAsync(live, "^http: no answer within 3s$");

        server.Mode = HttpMode.Ok;
        // The probe in flight may wait out its 3 s before the next one sees the fast answer.
        await live.WaitForAsync(HealthStatus.Up, 5);
    }

    [Fact]
    public async Task Http_ReceiveDisableMatch_MarksDisabledNotDown()
    {
        await using var server = new TestHttpServer();
        await using var live = await LiveMonitor.StartAsync(Http(receiveDisable: "maintenance"), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.Maintenance;
        await LiveAssert.StatusSoonAsync(live, HealthStatus.Disabled, "^http: receive-disable string matched$");

        server.Mode = HttpMode.Ok;
        await LiveAssert.UpSoonAsync(live);
    }

    [Fact]
    public async Task Http_ExpectedStatusCodes_ReplaceTheDefault()
    {
        await using var server = new TestHttpServer { Mode = HttpMode.Unavailable };
        await using var live = await LiveMonitor.StartAsync(Http(receive: null, expected: [503]), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.Ok;
        await LiveAssert.DownAfterTimeoutAsync(live, "^http: status 200 not expected$");
    }
}
