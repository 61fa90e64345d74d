using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Dns;

/// <summary>Wide IPs and dns virtual servers through the management API: CRUD like every kind, and 422 for what cannot work.</summary>
public sealed class WideIpApiTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public WideIpApiTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    private async Task Pools()
    {
        await _api.Post("/api/v1/pools", """{"name":"w4","members":[{"address":"127.0.0.1","port":9001},{"address":"127.0.0.2","port":9001}]}""");
        await _api.Post("/api/v1/pools", """{"name":"w6","members":[{"address":"::1","port":9001}]}""");
    }

    [Fact]
    public async Task WideIp_Crud_AndReferencedObjectsCannotBeDeleted()
    {
        await Pools();
        var created = await _api.Post("/api/v1/wideips", """{"name":"crud.example.com","type":"A","pools":["w4"],"ttl":30,"method":"round-robin"}""");
        Assert.True(created.Code == 201, created.Text);
        Assert.Equal("round-robin", created.Json.GetProperty("method").GetString());

        var patched = await _api.Patch("/api/v1/wideips/crud.example.com", """{"ttl":5,"fallback":"192.0.2.1"}""");
        Assert.True(patched.Code == 200, patched.Text);
        Assert.Equal(5, (await _api.Get("/api/v1/wideips/crud.example.com")).Json.GetProperty("ttl").GetInt32());

        var dns = await _api.Post("/api/v1/virtuals", """{"name":"crud-dns","destination":"127.0.0.1:18553","type":"dns","profiles":[],"sourceAddressTranslation":"none","wideIps":["crud.example.com"]}""");
        Assert.True(dns.Code == 201, dns.Text);

        var deletePool = await _api.Delete("/api/v1/pools/w4");
        Assert.Equal(409, deletePool.Code);
        Assert.Contains("wide IP 'crud.example.com'", deletePool.Text);
        var deleteWideIp = await _api.Delete("/api/v1/wideips/crud.example.com");
        Assert.Equal(409, deleteWideIp.Code);
        Assert.Contains("virtual server 'crud-dns'", deleteWideIp.Text);

        Assert.Equal(204, (await _api.Delete("/api/v1/virtuals/crud-dns")).Code);
        Assert.Equal(204, (await _api.Delete("/api/v1/wideips/crud.example.com")).Code);
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "/api/v1/wideips", """{"name":"example","pools":["w4"]}""", "wideips/example/name" },
        { "/api/v1/wideips", """{"name":"WWW.example.com","pools":["w4"]}""", "wideips/WWW.example.com/name" },
        { "/api/v1/wideips", """{"name":"r1.example.com","pools":[]}""", "wideips/r1.example.com/pools" },
        { "/api/v1/wideips", """{"name":"r2.example.com","pools":["nope"]}""", "wideips/r2.example.com/pools/0" },
        { "/api/v1/wideips", """{"name":"r3.example.com","pools":["w4","w4"]}""", "wideips/r3.example.com/pools/1" },
        { "/api/v1/wideips", """{"name":"r4.example.com","type":"MX","pools":["w4"]}""", "wideips/r4.example.com/type" },
        { "/api/v1/wideips", """{"name":"r5.example.com","method":"fastest","pools":["w4"]}""", "wideips/r5.example.com/method" },
        { "/api/v1/wideips", """{"name":"r6.example.com","ttl":-1,"pools":["w4"]}""", "wideips/r6.example.com/ttl" },
        { "/api/v1/wideips", """{"name":"r7.example.com","type":"AAAA","pools":["w4"]}""", "wideips/r7.example.com/pools/0" },
        { "/api/v1/wideips", """{"name":"r8.example.com","pools":["w4"],"fallback":"::1"}""", "wideips/r8.example.com/fallback" },
        { "/api/v1/wideips", """{"name":"r9.example.com","method":"topology","pools":["w4"]}""", "wideips/r9.example.com/topology" },
        { "/api/v1/wideips", """{"name":"r10.example.com","method":"topology","pools":["w4"],"topology":[{"subnet":"10.0.0.0/33","pool":"w4"}]}""", "wideips/r10.example.com/topology/0/subnet" },
        { "/api/v1/wideips", """{"name":"r11.example.com","method":"topology","pools":["w4"],"topology":[{"subnet":"10.0.0.0/8","pool":"w6"}]}""", "wideips/r11.example.com/topology/0/pool" },
        { "/api/v1/wideips", """{"name":"r12.example.com","pools":["w4"],"topology":[{"subnet":"10.0.0.0/8","pool":"w4"}]}""", "wideips/r12.example.com/topology" },
        { "/api/v1/wideips", """{"name":"r13.example.com","type":"CNAME","pools":["w4"]}""", "wideips/r13.example.com/cnames" },
        { "/api/v1/wideips", """{"name":"r14.example.com","pools":["w4"],"cnames":{"w4":"a.example.net"}}""", "wideips/r14.example.com/cnames" },
        { "/api/v1/virtuals", """{"name":"d1","destination":"127.0.0.1:18554","type":"dns","profiles":[],"sourceAddressTranslation":"none"}""", "virtuals/d1/wideIps" },
        { "/api/v1/virtuals", """{"name":"d2","destination":"127.0.0.1:18555","type":"dns","profiles":[],"sourceAddressTranslation":"none","wideIps":["nope.example.com"]}""", "virtuals/d2/wideIps/0" },
        { "/api/v1/virtuals", """{"name":"d3","destination":"127.0.0.1:18556","type":"dns","sourceAddressTranslation":"none","wideIps":["nope.example.com"]}""", "virtuals/d3/profiles" },
        { "/api/v1/virtuals", """{"name":"d4","destination":"127.0.0.1:18557","type":"dns","profiles":[],"wideIps":["nope.example.com"]}""", "virtuals/d4/sourceAddressTranslation" },
        { "/api/v1/virtuals", """{"name":"d5","destination":"127.0.0.1:18558","type":"dns","profiles":[],"sourceAddressTranslation":"none","pool":"w4","wideIps":["nope.example.com"]}""", "virtuals/d5/pool" },
        { "/api/v1/virtuals", """{"name":"d6","destination":"127.0.0.1:18559","type":"dns","protocol":"udp","profiles":[],"sourceAddressTranslation":"none","wideIps":["nope.example.com"]}""", "virtuals/d6/protocol" },
        { "/api/v1/virtuals", """{"name":"d7","destination":"127.0.0.1:18560","wideIps":["nope.example.com"]}""", "virtuals/d7/wideIps" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task NeverWorkingValue_422NamingTheField(string path, string body, string field)
    {
        await Pools();
        var r = await _api.Post(path, body);

        Assert.True(r.Code == 422, $"{r.Code} {r.Text}");
        var paths = r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains(field, paths);
    }

    [Fact]
    public async Task TopologyAndCnameWideIps_AreAccepted()
    {
        await Pools();
        var topology = await _api.Post("/api/v1/wideips", """{"name":"geo.example.com","pools":["w4"],"method":"topology","topology":[{"subnet":"10.0.0.0/8","pool":"w4"}],"fallback":"192.0.2.9"}""");
        Assert.True(topology.Code == 201, topology.Text);
        var cname = await _api.Post("/api/v1/wideips", """{"name":"alias.example.com","type":"CNAME","pools":["w4","w6"],"cnames":{"w4":"eu.cdn.example.net","w6":"us.cdn.example.net"}}""");
        Assert.True(cname.Code == 201, cname.Text);
    }
}
