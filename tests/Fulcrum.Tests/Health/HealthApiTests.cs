using System.Diagnostics;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Health;

/// <summary>End to end: the real appliance process monitors a loopback server the test runs, seen through the API.</summary>
public sealed class HealthApiTests
{
    private static async Task<JsonElement> MemberStatusAsync(ApiClient api, string pool)
    {
        var status = await api.Get("/api/v1/status");
        Assert.Equal(200, status.Code);
        return status.Json.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == pool).GetProperty("members")[0];
    }

    private static Task<(JsonElement Member, TimeSpan Took)> WaitStatusAsync(ApiClient api, string pool, string wanted, double maxSeconds) =>
        WaitMemberAsync(api, pool, m => m.GetProperty("status").GetString() == wanted, wanted, maxSeconds);

    private static async Task<(JsonElement Member, TimeSpan Took)> WaitMemberAsync(ApiClient api, string pool, Func<JsonElement, bool> done, string what, double maxSeconds)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var member = await MemberStatusAsync(api, pool);
            if (done(member))
            {
                return (member, sw.Elapsed);
            }
            if (sw.Elapsed > TimeSpan.FromSeconds(maxSeconds))
            {
                throw new Xunit.Sdk.XunitException($"member not {what} within {maxSeconds}s: {member}");
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Appliance_MonitorsALoopbackServer_DownWithReasonAndUpAgain()
    {
        using var dir = new TempDir();
        await using var server = new TestHttpServer();
        await using var appliance = await ApplianceProcess.StartAsync(dir.Path);
        using var api = appliance.Client();

        var monitor = await api.Post("/api/v1/monitors", """{"name":"m","type":"http","interval":1,"timeout":3,"send":"GET /health HTTP/1.0\r\n\r\n","receive":"ok"}""");
        Assert.Equal(201, monitor.Code);
        var pool = await api.Post("/api/v1/pools", $$"""{"name":"web","monitors":["m"],"members":[{"address":"127.0.0.1","port":{{server.Port}}}]}""");
        Assert.Equal(201, pool.Code);

        var (up, _) = await WaitStatusAsync(api, "web", "up", 5);
        Assert.True(up.GetProperty("since").ValueKind == JsonValueKind.String);
        Assert.Equal("m", up.GetProperty("monitors")[0].GetProperty("name").GetString());

        server.Stop();
        var (down, took) = await WaitStatusAsync(api, "web", "down", 8);
        Assert.InRange(took.TotalSeconds, 1.9, 4.0);
        Assert.Equal("http: connection refused", down.GetProperty("reason").GetString());
        Assert.Equal(2, down.GetProperty("transitions").GetInt64());

        server.Start();
        var (back, tookUp) = await WaitStatusAsync(api, "web", "up", 5);
        Assert.True(tookUp.TotalSeconds <= 1.8, $"up after {tookUp.TotalSeconds:F2}s");
        Assert.Equal(3, back.GetProperty("transitions").GetInt64());
        Assert.Contains("Pool 'web' member 127.0.0.1:", appliance.Output);
    }

    [Fact]
    public async Task Appliance_ManualResume_HoldsMemberDownUntilResumedThroughTheApi()
    {
        using var dir = new TempDir();
        await using var server = new TestHttpServer();
        await using var appliance = await ApplianceProcess.StartAsync(dir.Path);
        using var api = appliance.Client();
        Assert.Equal(201, (await api.Post("/api/v1/monitors", """{"name":"held","type":"tcp","interval":1,"timeout":3,"manualResume":true}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", $$"""{"name":"web","monitors":["held"],"members":[{"address":"127.0.0.1","port":{{server.Port}}}]}""")).Code);
        await WaitStatusAsync(api, "web", "up", 5);
        var member = $"127.0.0.1:{server.Port}";

        var notHeld = await api.Post($"/api/v1/pools/web/members/{member}/resume", null);
        Assert.Equal(200, notHeld.Code);
        Assert.False(notHeld.Json.GetProperty("resumed").GetBoolean());

        server.Stop();
        await WaitStatusAsync(api, "web", "down", 8);
        server.Start();
        // A probe passes again (its monitor says so), and the member stays down: held until resumed.
        var (held, _) = await WaitMemberAsync(
            api, "web", m => (m.GetProperty("monitors")[0].GetProperty("reason").GetString() ?? "").Contains("passing, held down until resumed", StringComparison.Ordinal), "probed as passing", 8);
        Assert.Equal("down", held.GetProperty("status").GetString());
        Assert.True(held.GetProperty("monitors")[0].GetProperty("awaitingResume").GetBoolean());

        var resumed = await api.Post($"/api/v1/pools/web/members/{member}/resume", null);
        Assert.Equal(200, resumed.Code);
        Assert.True(resumed.Json.GetProperty("resumed").GetBoolean());
        Assert.Equal("up", resumed.Json.GetProperty("status").GetString());
        await WaitStatusAsync(api, "web", "up", 1);

        var missing = await api.Post("/api/v1/pools/web/members/127.0.0.1:1/resume", null);
        Assert.Equal(404, missing.Code);
        Assert.True(missing.IsProblem);
        var nopool = await api.Post($"/api/v1/pools/nope/members/{member}/resume", null);
        Assert.Equal(404, nopool.Code);
        using var anonymous = new ApiClient(appliance.BaseAddress, null, null);
        Assert.Equal(401, (await anonymous.Post($"/api/v1/pools/web/members/{member}/resume", null)).Code);
    }
}
