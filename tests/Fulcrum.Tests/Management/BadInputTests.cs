using System.Net;
using System.Net.Http.Headers;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>Bad input never gives a 500: each gets a 4xx problem document and changes nothing.</summary>
public sealed class BadInputTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public BadInputTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    public static TheoryData<string, string, string> Bodies => new()
    {
        { "malformed JSON", "/api/v1/pools", """{"name":"x",""" },
        { "trailing garbage", "/api/v1/pools", """{"name":"x"} {}""" },
        { "wrong type", "/api/v1/pools", """{"name":"x","minActiveMembers":"two"}""" },
        { "wrong type nested", "/api/v1/pools", """{"name":"x","members":[{"address":"10.0.0.1","port":"80"}]}""" },
        { "unknown field", "/api/v1/pools", """{"name":"x","colour":"blue"}""" },
        { "array body", "/api/v1/pools", """[1,2,3]""" },
        { "null body", "/api/v1/pools", "null" },
        { "missing name", "/api/v1/pools", """{"loadBalancingMode":"ratio"}""" },
        { "name with slash", "/api/v1/pools", """{"name":"a/b"}""" },
        { "name with dot-dot", "/api/v1/pools", """{"name":"..x"}""" },
        { "name of 10 KB", "/api/v1/pools", $$"""{"name":"{{new string('n', 10 * 1024)}}"}""" },
        { "deep nesting", "/api/v1/pools", new string('[', 5000) + new string(']', 5000) },
        { "number overflow", "/api/v1/pools", """{"name":"x","minActiveMembers":99999999999999999999}""" },
        { "transaction garbage", "/api/v1/config/transaction", """{"changes":[{"op":"explode","kind":"pools"}]}""" },
        { "transaction unknown kind", "/api/v1/config/transaction", """{"changes":[{"op":"create","kind":"../etc","name":"x"}]}""" },
        { "rule not compiling", "/api/v1/rules", """{"name":"r","source":"when('HTTP_REQUEST', ctx => {"}""" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task BadBody_4xxProblem_NothingChanged(string what, string path, string body)
    {
        var before = await _api.Generation();

        var r = await _api.Post(path, body);

        Assert.True(r.Code is >= 400 and < 500, $"{what}: {r.Code} {r.Text[..Math.Min(300, r.Text.Length)]}");
        Assert.True(r.IsProblem, what);
        Assert.Equal(before, await _api.Generation());
    }

    [Fact]
    public async Task InvalidUtf8_400Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/pools")
        {
            Content = new ByteArrayContent([(byte)'{', (byte)'"', (byte)'n', (byte)'a', (byte)'m', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}']),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var r = await _api.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.True(r.IsProblem);
    }

    [Fact]
    public async Task WrongMediaType_415Problem()
    {
        var r = await _api.Send(HttpMethod.Post, "/api/v1/pools", """{"name":"x"}""", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.Status);
        Assert.True(r.IsProblem);
    }

    [Fact]
    public async Task HundredMegabyteBody_413Problem()
    {
        var big = new byte[100 * 1024 * 1024];
        Array.Fill(big, (byte)' ');
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/pools") { Content = new ByteArrayContent(big) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // As curl does for large bodies: the server refuses before the body is sent.
        request.Headers.ExpectContinue = true;

        var r = await _api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.Status);
        Assert.True(r.IsProblem);
    }

    [Theory]
    [InlineData("/api/v1/pools/a%2Fb")]
    [InlineData("/api/v1/pools/..%2F..%2Fetc")]
    [InlineData("/api/v1/pools/%2E%2E")]
    public async Task BadNameInPath_400Problem(string path)
    {
        var r = await _api.Get(path);

        Assert.True(r.Code is 400 or 404, $"{path}: {r.Code}");
        Assert.True(r.IsProblem);
    }

    [Fact]
    public async Task TenKilobyteNameInPath_4xxProblem()
    {
        var r = await _api.Get("/api/v1/pools/" + new string('n', 10 * 1024));

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.True(r.IsProblem);
    }

    [Fact]
    public async Task UnknownPathAndMethod_ProblemDocuments()
    {
        var missing = await _api.Get("/api/v1/nothing-here");
        var method = await _api.Send(HttpMethod.Put, "/api/v1/pools", "{}");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.True(missing.IsProblem);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.Status);
        Assert.True(method.IsProblem);
    }
}
