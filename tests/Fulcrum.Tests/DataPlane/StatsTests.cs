using System.Net;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>Counters in /api/v1/status and /metrics, and the access log.</summary>
public sealed class StatsTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public StatsTests(ApplianceFixture f)
    {
        _f = f;
    }

    [Fact]
    public async Task Counters_PerVirtualPoolAndMember_InStatusAndMetrics()
    {
        await using var be = await KestrelBackend.StartAsync("st");
        await _f.Admin.PoolAsync("st-pool", [be.Port]);
        var port = await _f.Admin.VirtualAsync("st-vs", "st-pool");
        using (var http = new HttpClient())
        {
            for (var i = 0; i < 5; i++)
            {
                await http.GetStringAsync($"http://127.0.0.1:{port}/");
            }
        }
        await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\n\r\n"); // missing Host: a parse error
        await _f.Admin.VirtualErrorsAsync("st-vs", "client-parse-error", 1);
        var v = await _f.Admin.VirtualStatusAsync("st-vs");
        Assert.Equal(6, v.GetProperty("requests").GetInt64());
        Assert.True(v.GetProperty("bytesIn").GetInt64() > 0);
        Assert.True(v.GetProperty("bytesOut").GetInt64() > 0);
        Assert.Equal(1, DataPlaneApi.ErrorCount(v, "client-parse-error"));
        var pool = await _f.Admin.PoolStatusAsync("st-pool");
        Assert.Equal(5, pool.GetProperty("requests").GetInt64());
        Assert.Equal(5, pool.GetProperty("members")[0].GetProperty("requests").GetInt64());

        using var anonymous = new HttpClient { BaseAddress = _f.Appliance.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        var metrics = await _f.Admin.Get("/metrics");
        Assert.Equal(200, metrics.Code);
        Assert.Equal("text/plain", metrics.ContentType);
        var text = metrics.Text;
        Assert.Contains("# HELP fulcrum_virtual_requests_total ", text);
        Assert.Contains("# TYPE fulcrum_virtual_requests_total counter\n", text);
        Assert.Contains("fulcrum_virtual_requests_total{virtual=\"st-vs\"} 6\n", text);
        Assert.Contains("fulcrum_pool_requests_total{pool=\"st-pool\"} 5\n", text);
        Assert.Contains($"fulcrum_member_requests_total{{pool=\"st-pool\",member=\"127.0.0.1:{be.Port}\"}} 5\n", text);
        Assert.Contains("fulcrum_virtual_errors_total{virtual=\"st-vs\",cause=\"client-parse-error\"} 1\n", text);
        Assert.Contains("# TYPE fulcrum_virtual_connections_current gauge\n", text);
        // Every sample line is name{labels} value, every family has HELP and TYPE.
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Matches(@"^(# (HELP|TYPE) fulcrum_[a-z_]+ .+|fulcrum_[a-z_]+(\{([a-z]+=""([^""\\]|\\.)*"",?)+\})? -?\d+)$", line);
        }
    }

    [Fact]
    public async Task AccessLog_OneLinePerRequest_InTheConfiguredFormat()
    {
        await using var be = await KestrelBackend.StartAsync("log");
        await _f.Admin.PoolAsync("log-pool", [be.Port]);
        await _f.Admin.ProfileAsync("http", """{"name":"http-log","accessLog":true,"accessLogFormat":"%ci %f %b %ST %B %ts \"%r\""}""");
        var port = await _f.Admin.VirtualAsync("log-vs", "log-pool", "\"tcp\",\"http-log\"");
        await RawClient.ExchangeAsync(port, "GET /status/204 HTTP/1.1\r\nHost: a\r\n\r\nGET /nothing-here HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\n\r\n");
        var path = Path.Combine(_f.Appliance.DataDir, "logs", "access.log");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            lines = File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Contains(" log-vs ", StringComparison.Ordinal)).ToArray() : [];
            if (lines.Length >= 3)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("127.0.0.1 log-vs log-pool 204 ", lines[0]);
        Assert.EndsWith("-- \"GET /status/204 HTTP/1.1\"", lines[0]);
        Assert.Contains(" 404 ", lines[1]);
        Assert.Contains(" 400 ", lines[2]);
        Assert.Contains(" cR ", lines[2]);
    }

    [Fact]
    public async Task AccessLogFormat_WithAnUnknownVariable_IsRefused()
    {
        var r = await _f.Admin.Post("/api/v1/profiles/http", """{"name":"http-badlog","accessLog":true,"accessLogFormat":"%ci %zz"}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("accessLogFormat", r.Text);
    }
}
