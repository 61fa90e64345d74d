using System.Text;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>Values that parse but can never work are refused with 422 naming the field; a body not in UTF-8 is refused.</summary>
public sealed class ValidationGapTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public ValidationGapTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "/api/v1/pools", """{"name":"g1","members":[{"address":"0.0.0.0","port":80}]}""", "pools/g1/members/0/address" },
        { "/api/v1/pools", """{"name":"g2","members":[{"address":"::","port":80}]}""", "pools/g2/members/0/address" },
        { "/api/v1/pools", """{"name":"g3","members":[{"address":"255.255.255.255","port":80}]}""", "pools/g3/members/0/address" },
        { "/api/v1/pools", """{"name":"g4","members":[{"address":"224.0.0.1","port":80}]}""", "pools/g4/members/0/address" },
        { "/api/v1/pools", """{"name":"g5","members":[{"address":"239.255.255.250","port":1900}]}""", "pools/g5/members/0/address" },
        { "/api/v1/pools", """{"name":"g6","members":[{"address":"ff02::1","port":80}]}""", "pools/g6/members/0/address" },
        { "/api/v1/pools", """{"name":"g7","members":[{"address":"::ffff:0.0.0.0","port":80}]}""", "pools/g7/members/0/address" },
        { "/api/v1/nodes", """{"name":"g8","address":"0.0.0.0"}""", "nodes/g8/address" },
        { "/api/v1/pools", """{"name":"g9","monitors":["tcp","tcp"]}""", "pools/g9/monitors/1" },
        { "/api/v1/nodes", """{"name":"g10","address":"10.9.9.9","monitors":["icmp","tcp","icmp"]}""", "nodes/g10/monitors/2" },
        { "/api/v1/profiles/oneconnect", """{"name":"g11","sourceMask":"255.0.255.0"}""", "profiles/oneconnect/g11/sourceMask" },
        { "/api/v1/profiles/oneconnect", """{"name":"g12","sourceMask":"255.255.255.1"}""", "profiles/oneconnect/g12/sourceMask" },
        { "/api/v1/profiles/persistence", """{"name":"g13","method":"source-address","mask":"0.255.255.255"}""", "profiles/persistence/g13/mask" },
        { "/api/v1/virtuals", """{"name":"g14","destination":"[::ffff:127.0.0.1]:18099"}""", "virtuals/g14/destination" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task NeverWorkingValue_422NamingTheField(string path, string body, string field)
    {
        var r = await _api.Post(path, body);

        Assert.True(r.Code == 422, $"{r.Code} {r.Text}");
        var paths = r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains(field, paths);
    }

    [Fact]
    public async Task MemberAdded_Multicast_422()
    {
        await _api.Post("/api/v1/pools", """{"name":"gm"}""");

        var r = await _api.Post("/api/v1/pools/gm/members", """{"address":"224.1.2.3","port":80}""");

        Assert.Equal(422, r.Code);
    }

    [Theory]
    [InlineData("""{"name":"c1","members":[{"address":"10.0.0.255","port":80}]}""")]
    [InlineData("""{"name":"c2","monitors":["tcp","http"]}""")]
    public async Task UsualValues_StillAccepted(string body)
    {
        var r = await _api.Post("/api/v1/pools", body);

        Assert.True(r.Code == 201, $"{r.Code} {r.Text}");
    }

    [Theory]
    [InlineData("application/json; charset=utf-16", "utf-16")]
    [InlineData("application/json; charset=iso-8859-1", "iso-8859-1")]
    public async Task BodyDeclaredInAnotherCharset_415(string contentType, string charset)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/pools")
        {
            Content = new ByteArrayContent(Encoding.GetEncoding(charset).GetBytes("""{"name":"cs"}""")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var r = await _api.SendAsync(request);

        Assert.Equal(415, r.Code);
        Assert.True(r.IsProblem);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json")]
    public async Task BodyInUtf8_Accepted(string contentType)
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..8];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/pools")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"name":"{{name}}"}""")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var r = await _api.SendAsync(request);

        Assert.Equal(201, r.Code);
    }
}
