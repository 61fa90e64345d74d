using System.Net;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>Every path needs credentials; each role gets 403 where it lacks the right.</summary>
public sealed class AuthApiTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _fixture;
    private readonly ApiClient _api;

    public AuthApiTests(ApplianceFixture fixture)
    {
        _fixture = fixture;
        _api = fixture.Admin;
    }

    [Fact]
    public async Task EveryOpenApiPath_401WithoutCredentials()
    {
        var doc = await _api.Get("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, doc.Status);
        using var anonymous = new ApiClient(_fixture.Appliance.BaseAddress, null, null);
        var checkedCount = 0;
        foreach (var path in doc.Json.GetProperty("paths").EnumerateObject())
        {
            var concrete = path.Name.Replace("{name}", "x", StringComparison.Ordinal).Replace("{pool}", "x", StringComparison.Ordinal)
                .Replace("{member}", "10.0.0.1:80", StringComparison.Ordinal).Replace("{n}", "1", StringComparison.Ordinal);
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                var r = await anonymous.Send(method, concrete, method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}");
                var isLogin = concrete is "/api/v1/auth/token" or "/api/v1/auth/login";
                if (isLogin)
                {
                    Assert.True(r.Code is 400 or 401 or 422, $"{method} {concrete}: {r.Code}");
                }
                else
                {
                    Assert.True(r.Status == HttpStatusCode.Unauthorized, $"{method} {concrete}: {r.Code}");
                    Assert.True(r.IsProblem, $"{method} {concrete} problem document");
                }
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 60, $"only {checkedCount} operations in the document");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Get("/openapi/v1.json")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Get("/scalar")).Status);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Get("/healthz")).Status);
    }

    [Fact]
    public async Task WrongPassword_401()
    {
        using var wrong = _fixture.Appliance.Client("admin", "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.Get("/api/v1/pools")).Status);
    }

    [Fact]
    public async Task Operator_ChangesPoolsRulesDataGroups_NotVirtualsOrUsers()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.Post("/api/v1/users", """{"name":"ops","role":"operator","password":"Operator-Pass-1"}""")).Status);
        using var ops = _fixture.Appliance.Client("ops", "Operator-Pass-1");

        Assert.Equal(HttpStatusCode.Created, (await ops.Post("/api/v1/pools", """{"name":"ops-pool"}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await ops.Post("/api/v1/pools/ops-pool/members", """{"address":"10.4.0.1","port":80}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await ops.Post("/api/v1/rules", """{"name":"ops-rule","source":"when('HTTP_REQUEST', ctx => {});"}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await ops.Post("/api/v1/datagroups", """{"name":"ops-dg"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ops.Get("/api/v1/virtuals")).Status);

        var denied = await ops.Post("/api/v1/virtuals", """{"name":"ops-v","destination":"127.0.0.1:18201"}""");
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.True(denied.IsProblem);
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.Post("/api/v1/monitors", """{"name":"m","type":"tcp"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.Get("/api/v1/users")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.Post("/api/v1/users", """{"name":"x","role":"admin","password":"Whatever-123"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.Post("/api/v1/config/rollback/1", null)).Status);
        var tx = await ops.Post("/api/v1/config/transaction", """{"changes":[{"op":"create","kind":"pools","body":{"name":"ops-p2"}},{"op":"create","kind":"virtuals","body":{"name":"ops-v2","destination":"127.0.0.1:18202"}}]}""");
        Assert.Equal(HttpStatusCode.Forbidden, tx.Status);
    }

    [Fact]
    public async Task Auditor_ReadsEverything_ChangesNothing()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.Post("/api/v1/users", """{"name":"aud","role":"auditor","password":"Auditor-Pass-1"}""")).Status);
        using var aud = _fixture.Appliance.Client("aud", "Auditor-Pass-1");

        foreach (var path in new[] { "/api/v1/pools", "/api/v1/virtuals", "/api/v1/users", "/api/v1/audit", "/api/v1/status", "/api/v1/config/generations", "/api/v1/profiles/http" })
        {
            Assert.True((await aud.Get(path)).Status == HttpStatusCode.OK, path);
        }
        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
                 {
                     (HttpMethod.Post, "/api/v1/pools", """{"name":"aud-p"}"""),
                     (HttpMethod.Post, "/api/v1/rules", """{"name":"aud-r","source":""}"""),
                     (HttpMethod.Delete, "/api/v1/pools/web", null),
                     (HttpMethod.Post, "/api/v1/config/transaction", """{"changes":[{"op":"create","kind":"pools","body":{"name":"aud-p"}}]}"""),
                     (HttpMethod.Post, "/api/v1/config/rollback/1", null),
                     (HttpMethod.Post, "/api/v1/users", """{"name":"aud2","role":"admin","password":"Whatever-123"}"""),
                 })
        {
            var r = await aud.Send(method, path, body);
            Assert.True(r.Status == HttpStatusCode.Forbidden, $"{method} {path}: {r.Code}");
        }
    }

    [Fact]
    public async Task BearerToken_Works()
    {
        using var bearer = new ApiClient(_fixture.Appliance.BaseAddress, null, null);
        var token = await bearer.Post("/api/v1/auth/token", """{"username":"admin","password":"Admin-Secret-42"}""");
        Assert.Equal(HttpStatusCode.OK, token.Status);
        bearer.Http.DefaultRequestHeaders.Authorization = new("Bearer", token.Json.GetProperty("token").GetString());

        Assert.Equal(HttpStatusCode.OK, (await bearer.Get("/api/v1/pools")).Status);
    }

    [Fact]
    public async Task Users_PasswordHashNeverShown()
    {
        var users = await _api.Get("/api/v1/users");

        Assert.Equal(HttpStatusCode.OK, users.Status);
        Assert.DoesNotContain("pbkdf2", users.Text, StringComparison.Ordinal);
        Assert.Contains(users.Json.EnumerateArray(), u => u.GetProperty("name").GetString() == "admin" && u.GetProperty("role").GetString() == "admin");
        _ = JsonDocument.Parse(users.Text);
    }
}
