using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tcp;

/// <summary>The tcp profile's knobs through the management API: what the kernel cannot apply is refused (422 naming the field).</summary>
public sealed class TcpProfileApiTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public TcpProfileApiTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    public static TheoryData<string, string> Refused => new()
    {
        { """{"name":"r1","congestionControl":"no-such-algorithm"}""", "profiles/tcp/r1/congestionControl" },
        { """{"name":"r2","sendBufferSize":1024}""", "profiles/tcp/r2/sendBufferSize" },
        { """{"name":"r3","receiveBufferSize":2048}""", "profiles/tcp/r3/receiveBufferSize" },
        { """{"name":"r4","keepAliveTime":-1}""", "profiles/tcp/r4/keepAliveTime" },
        { """{"name":"r5","keepAliveInterval":0}""", "profiles/tcp/r5/keepAliveInterval" },
        { """{"name":"r6","keepAliveProbes":200}""", "profiles/tcp/r6/keepAliveProbes" },
        { """{"name":"r7","userTimeout":-5}""", "profiles/tcp/r7/userTimeout" },
        { """{"name":"r8","maxSegmentSize":40}""", "profiles/tcp/r8/maxSegmentSize" },
        { """{"name":"r9","deferAccept":-1}""", "profiles/tcp/r9/deferAccept" },
        { """{"name":"r10","lingerTimeout":-2}""", "profiles/tcp/r10/lingerTimeout" },
        { """{"name":"r11","lingerTimeout":121}""", "profiles/tcp/r11/lingerTimeout" },
        { """{"name":"r12","zeroWindowTimeout":-1}""", "profiles/tcp/r12/zeroWindowTimeout" },
        { """{"name":"r13","synBacklog":0}""", "profiles/tcp/r13/synBacklog" },
        { """{"name":"r14","notSentLowat":-1}""", "profiles/tcp/r14/notSentLowat" },
        { """{"name":"r15","idleTimeout":-1}""", "profiles/tcp/r15/idleTimeout" },
        { """{"name":"r16","connectTimeout":-1}""", "profiles/tcp/r16/connectTimeout" },
        { """{"name":"r17","proxyBufferHigh":8192,"proxyBufferLow":8192}""", "profiles/tcp/r17/proxyBufferLow" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ValueTheKernelCannotApply_422NamingTheField(string body, string field)
    {
        var r = await _api.Post("/api/v1/profiles/tcp", body);

        Assert.True(r.Code == 422, $"{r.Code} {r.Text}");
        var paths = r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains(field, paths);
    }

    [Fact]
    public async Task CongestionControl_EveryNameTheKernelLists_Accepted()
    {
        var status = (await _api.Get("/api/v1/status")).Json.GetProperty("dataPlane");
        var available = status.GetProperty("availableCongestionControl").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(File.ReadAllText("/proc/sys/net/ipv4/tcp_available_congestion_control").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), available);

        foreach (var cc in available)
        {
            await DataPlaneApi.ProfileAsync(_api, "tcp", $$"""{"name":"cc-{{cc}}","congestionControl":"{{cc}}"}""");
        }
    }

    [Fact]
    public async Task BufferAtTheKernelMinimum_Accepted()
    {
        var min = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/tcp_wmem").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        await DataPlaneApi.ProfileAsync(_api, "tcp", $$"""{"name":"buf-min","sendBufferSize":{{min}},"receiveBufferSize":0}""");
    }

    [Theory]
    [InlineData("clientSideTcp")]
    [InlineData("serverSideTcp")]
    public async Task SideProfile_MustNameATcpProfile(string field)
    {
        var missing = await _api.Post("/api/v1/virtuals", $$"""{"name":"side-{{field}}","destination":"127.0.0.1:{{FreePort.Next()}}","{{field}}":"nope"}""");
        var http = await _api.Post("/api/v1/virtuals", $$"""{"name":"side-{{field}}","destination":"127.0.0.1:{{FreePort.Next()}}","{{field}}":"http"}""");

        foreach (var r in new[] { missing, http })
        {
            Assert.True(r.Code == 422, $"{r.Code} {r.Text}");
            Assert.Contains($"virtuals/side-{field}/{field}", r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        }
    }

    [Fact]
    public async Task FastOpenOnTheClientSide_RefusedWhenTheKernelDoesNotAcceptIt()
    {
        var sysctl = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/tcp_fastopen").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await DataPlaneApi.ProfileAsync(_api, "tcp", """{"name":"tfo","fastOpen":true}""");

        var r = await _api.Post("/api/v1/virtuals", $$"""{"name":"tfo-client","destination":"127.0.0.1:{{FreePort.Next()}}","clientSideTcp":"tfo"}""");

        Assert.Equal((sysctl & 2) == 0 ? 422 : 201, r.Code);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("tcp-lan-optimized")]
    [InlineData("tcp-wan-optimized")]
    [InlineData("tcp-mobile-optimized")]
    [InlineData("tcp-progressive")]
    public async Task BuiltIn_UsableOnEitherSide(string profile)
    {
        var r = await _api.Post("/api/v1/virtuals", $$"""{"name":"bi-{{profile}}","destination":"127.0.0.1:{{FreePort.Next()}}","clientSideTcp":"{{profile}}","serverSideTcp":"{{profile}}"}""");

        Assert.True(r.Code == 201, $"{r.Code} {r.Text}");
    }

    [Fact]
    public async Task BuiltIns_AreThereAndCannotBeChanged()
    {
        foreach (var name in new[] { "tcp", "tcp-lan-optimized", "tcp-wan-optimized", "tcp-mobile-optimized", "tcp-progressive" })
        {
            var r = await _api.Get($"/api/v1/profiles/tcp/{name}");
            Assert.True(r.Code == 200, $"{name}: {r.Code}");
            var change = await _api.Patch($"/api/v1/profiles/tcp/{name}", """{"idleTimeout":10}""");
            Assert.True(change.Code >= 400, $"{name} changed: {change.Code}");
        }
        var wan = (await _api.Get("/api/v1/profiles/tcp/tcp-wan-optimized")).Json;
        Assert.Equal("cubic", wan.GetProperty("congestionControl").GetString());
        Assert.Equal(1048576, wan.GetProperty("sendBufferSize").GetInt32());
    }
}
