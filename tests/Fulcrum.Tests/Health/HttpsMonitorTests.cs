using Fulcrum.Appliance.Balancing;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[Collection(nameof(HealthTimingCollection))]
public sealed class HttpsMonitorTests
{
    private static Monitor Https(string receive = "ok$") => new()
    {
        Name = "s", Type = "https", Interval = 1, Timeout = 3, Send = "GET / HTTP/1.0\\r\\nHost: www.health.test\\r\\n\\r\\n", Receive = receive,
    };

    [Fact]
    public async Task Https_SelfSignedServerStoppedThenRestarted_DownAfterTimeout_UpWithinInterval()
    {
        await using var server = new TestHttpServer(tls: true);
        await using var live = await LiveMonitor.StartAsync(Https(), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);

        server.Stop();
        await LiveAssert.DownAfterTimeoutAsync(live, "^https: connection refused$");

        server.Start();
        await LiveAssert.UpSoonAsync(live);

        server.Mode = HttpMode.WrongContent;
        await LiveAssert.DownAfterTimeoutAsync(live, "^https: receive string not found$");
    }

    [Fact]
    public async Task Https_AgainstPlainHttp_IsDownWithTheTlsFailure()
    {
        await using var server = new TestHttpServer(tls: false);
        await using var live = await LiveMonitor.StartAsync(Https(), "127.0.0.1", server.Port);
        // The plain server waits for a request head that never comes: the handshake fails or times out.
        await live.WaitForAsync(HealthStatus.Down, 5);
        Assert.StartsWith("https: ", live.Member.Health.Reason);
    }
}
