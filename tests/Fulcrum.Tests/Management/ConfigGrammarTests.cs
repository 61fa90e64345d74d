using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>
/// Config values that end up in a header, a log line, argv or a monitor's request are held to their grammar:
/// CR, LF and NUL never get in, and a refusal names the field.
/// </summary>
public sealed class ConfigGrammarTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;
    private readonly ApiClient _api;

    public ConfigGrammarTests(ApplianceFixture fixture)
    {
        _f = fixture;
        _api = fixture.Admin;
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "/api/v1/profiles/http", """{"name":"inj1","serverHeaderAction":"replace","serverHeaderValue":"x\r\nSet-Cookie: a=b"}""", "profiles/http/inj1/serverHeaderValue" },
        { "/api/v1/profiles/http", """{"name":"inj2","serverHeaderAction":"replace","serverHeaderValue":"x\nX: y"}""", "profiles/http/inj2/serverHeaderValue" },
        { "/api/v1/profiles/http", """{"name":"inj3","serverHeaderAction":"replace","serverHeaderValue":"x\u0000y"}""", "profiles/http/inj3/serverHeaderValue" },
        { "/api/v1/profiles/http", """{"name":"inj4","serverHeaderAction":"replace","serverHeaderValue":" padded"}""", "profiles/http/inj4/serverHeaderValue" },
        { "/api/v1/profiles/http", """{"name":"inj5","accessLog":true,"accessLogFormat":"%ci\n%r"}""", "profiles/http/inj5/accessLogFormat" },
        { "/api/v1/profiles/persistence", """{"name":"inj6","method":"cookie","cookieName":"a=b; Path=/"}""", "profiles/persistence/inj6/cookieName" },
        { "/api/v1/profiles/persistence", """{"name":"inj7","method":"cookie","cookieName":"srv\r\nX-A: 1"}""", "profiles/persistence/inj7/cookieName" },
        { "/api/v1/monitors", """{"name":"inj8","type":"http","send":"GET / HTTP/1.1\r\nHost: a\r\nX: 1\nY: 2\r\n\r\n"}""", "monitors/inj8/send" },
        { "/api/v1/monitors", """{"name":"inj9","type":"http","send":"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /admin HTTP/1.1\u0000"}""", "monitors/inj9/send" },
        { "/api/v1/monitors", """{"name":"inj10","type":"http","send":"GET / HTTP/1.1\r\nHost: a"}""", "monitors/inj10/send" },
        { "/api/v1/monitors", """{"name":"inj11","type":"https","send":"GET /a b HTTP/1.1\r\n\r\n"}""", "monitors/inj11/send" },
        { "/api/v1/monitors", """{"name":"inj12","type":"tcp","send":"PING\u0000"}""", "monitors/inj12/send" },
        { "/api/v1/monitors", """{"name":"inj13","type":"external","program":"/bin/true","arguments":["a\u0000b"]}""", "monitors/inj13/arguments/0" },
        { "/api/v1/monitors", """{"name":"inj14","type":"external","program":"/bin/tr\nue"}""", "monitors/inj14/program" },
        { "/api/v1/pools", """{"name":"inj15","description":"nul\u0000here"}""", "pools/inj15/description" },
        { "/api/v1/pools", """{"name":"inj16","members":[{"address":"127.0.0.1","port":80,"description":"a\u0000"}]}""", "pools/inj16/members/0/description" },
        { "/api/v1/datagroups", """{"name":"inj17","records":{"a\r\nb":"x"}}""", "datagroups/inj17/records/a\r\nb" },
        { "/api/v1/profiles/server-ssl", """{"name":"inj18","serverName":"a\r\nb"}""", "profiles/server-ssl/inj18/serverName" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ValueOutsideItsGrammar_422NamingTheField(string path, string body, string field)
    {
        var r = await _api.Post(path, body);

        Assert.True(r.Code == 422, $"{r.Code} {r.Text}");
        Assert.True(r.IsProblem);
        var paths = r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains(field, paths);
    }

    [Theory]
    [InlineData("""{"name":"ok1","type":"http","send":"GET /health HTTP/1.0\r\n\r\n"}""")]
    [InlineData("""{"name":"ok2","type":"http","send":"GET /health HTTP/1.1\\r\\nHost: a\\r\\nUser-Agent: fulcrum\\r\\n\\r\\n"}""")]
    [InlineData("""{"name":"ok3","type":"http","send":"POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nping"}""")]
    [InlineData("""{"name":"ok4","type":"tcp","send":"HELO a\r\nQUIT\r\n","receive":"^220"}""")]
    [InlineData("""{"name":"ok5","type":"udp","send":"ping\tpong"}""")]
    public async Task MonitorSend_ValidRequestOrRawText_Accepted(string body)
    {
        var r = await _api.Post("/api/v1/monitors", body);

        Assert.True(r.Code == 201, $"{r.Code} {r.Text}");
    }

    [Fact]
    public async Task ServerHeaderInjection_RefusedAndNeverEmittedByTheProxy()
    {
        await using var be = await KestrelBackend.StartAsync("g1");
        await _api.PoolAsync("gp", [be.Port]);
        await _api.ProfileAsync("http", """{"name":"srv","serverHeaderAction":"replace","serverHeaderValue":"fulcrum-edge"}""");
        var port = await _api.VirtualAsync("gv", "gp", "\"tcp\",\"srv\"");

        var refused = await _api.Patch("/api/v1/profiles/http/srv", """{"serverHeaderValue":"x\r\nSet-Cookie: a=b"}""");

        Assert.Equal(422, refused.Code);
        Assert.Equal("profiles/http/srv/serverHeaderValue", refused.Json.GetProperty("errors")[0].GetProperty("path").GetString());
        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal("fulcrum-edge", string.Join(",", response.Headers.GetValues("Server")));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal("fulcrum-edge", (await _api.Get("/api/v1/profiles/http/srv")).Json.GetProperty("serverHeaderValue").GetString());
    }

    [Fact]
    public async Task InjectedValueInAStoreWrittenBeforeValidation_NeverReachesTheWire()
    {
        using var dir = new TempDir();
        await using var be = await KestrelBackend.StartAsync("g2");
        int port;
        await using (var first = await ApplianceProcess.StartAsync(dir.Path))
        {
            using var api = first.Client();
            await api.PoolAsync("sp", [be.Port]);
            await api.ProfileAsync("http", """{"name":"old","serverHeaderAction":"replace","serverHeaderValue":"INJECT-HERE"}""");
            port = await api.VirtualAsync("sv", "sp", "\"tcp\",\"old\"");
            Assert.Equal(0, await first.StopAsync());
        }
        // What an older fulcrum, which did not check the grammar, could have stored.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dir.Path, "fulcrum.db")}"))
        {
            c.Open();
            using var update = c.CreateCommand();
            update.CommandText = "UPDATE objects SET json = replace(json, 'INJECT-HERE', 'x\\r\\nSet-Cookie: a=b') WHERE json LIKE '%INJECT-HERE%'";
            Assert.Equal(1, update.ExecuteNonQuery());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var second = await ApplianceProcess.StartAsync(dir.Path);
        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{port}/");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.DoesNotContain("x", response.Headers.TryGetValues("Server", out var server) ? server : []);
        using var admin = second.Client();
        Assert.Equal("x\r\nSet-Cookie: a=b", (await admin.Get("/api/v1/profiles/http/old")).Json.GetProperty("serverHeaderValue").GetString());
    }

    [Fact]
    public async Task EveryErrorListed_OneRefusalForSeveralFields()
    {
        var r = await _api.Post("/api/v1/config/transaction", JsonSerializer.Serialize(new
        {
            changes = new object[]
            {
                new { op = "create", kind = "profiles/http", body = new { name = "m1", serverHeaderAction = "replace", serverHeaderValue = "a\r\nb" } },
                new { op = "create", kind = "profiles/persistence", body = new { name = "m2", method = "cookie", cookieName = "c\nd" } },
            },
        }));

        Assert.Equal(422, r.Code);
        var paths = r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("profiles/http/m1/serverHeaderValue", paths);
        Assert.Contains("profiles/persistence/m2/cookieName", paths);
    }
}
