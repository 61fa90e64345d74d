using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fulcrum.Appliance.Management.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Tests.Management.Auth;

/// <summary>
/// A real Kestrel host on loopback with the auth wiring, the auth and user endpoints and one dummy endpoint per
/// policy, driven by HttpClient as an API client or the console would. Each test gets its own host, so the login
/// throttle starts clean.
/// </summary>
public sealed class AuthHttpTests : IAsyncLifetime
{
    private const string RootPassword = "root-password";
    private const string OpPassword = "op-password";
    private const string AuditorPassword = "aud-password";

    private readonly TempDatabase _temp = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFulcrumAuth(_temp.Db, new PasswordHasher(1000));
        // Through a delegate: a direct call is rewritten by the OpenAPI source generator's interceptor, which this
        // test project does not enable.
        Func<IServiceCollection, IServiceCollection> addOpenApi = OpenApiServiceCollectionExtensions.AddOpenApi;
        addOpenApi(builder.Services);
        _app = builder.Build();
        _app.Urls.Add("http://127.0.0.1:0");
        _app.UseFulcrumAuth();
        _app.MapAuthEndpoints();
        _app.MapUserEndpoints();
        _app.MapOpenApi().AllowAnonymous();
        _app.MapGet("/t/read", () => "read").RequireAuthorization(Policies.Read);
        _app.MapGet("/t/sensitive", () => "sensitive").RequireAuthorization(Policies.ReadSensitive);
        _app.MapPost("/t/write", () => "written").RequireAuthorization(Policies.Write);
        _app.MapPost("/t/admin", () => "admin").RequireAuthorization(Policies.Admin);
        _app.MapGet("/t/unmarked", () => "unmarked");
        _app.MapGet("/t/open", () => "open").AllowAnonymous();

        var users = _app.Services.GetRequiredService<UserStore>();
        users.Add("root", Roles.Admin, RootPassword, null);
        users.Add("op", Roles.Operator, OpPassword, null);
        users.Add("aud", Roles.Auditor, AuditorPassword, null);

        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        // Cookies are handled by hand so each test sees exactly what the server set.
        _client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task NoCredentials_401Problem_WithBasicAndBearerChallenges()
    {
        var response = await _client.GetAsync("/t/read");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.ToString()).ToList();
        Assert.Contains("Basic realm=\"fulcrum\", charset=\"UTF-8\"", challenges);
        Assert.Contains(challenges, c => c.StartsWith("Bearer", StringComparison.Ordinal));
        Assert.Equal(401, (await Problem(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task XhrClient_GetsNoBasicChallenge()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/t/read");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task EndpointWithoutPolicy_NeedsAuthentication_AnonymousDoesNot()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/t/unmarked")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/t/open")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/unmarked", basic: ("aud", AuditorPassword))).StatusCode);
    }

    [Fact]
    public async Task Basic_RightPassword_200_WrongPassword_401()
    {
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/read", basic: ("op", OpPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", basic: ("op", "wrong-password"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", basic: ("ghost", OpPassword))).StatusCode);
    }

    [Fact]
    public async Task Basic_Malformed_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/t/read");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Token_FromJson_BearerWorks_LogoutRevokes()
    {
        var response = await Send(HttpMethod.Post, "/api/v1/auth/token", json: """{"username":"op","password":"op-password","expiresIn":3600}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal("op", body.GetProperty("user").GetString());
        Assert.Equal(Roles.Operator, body.GetProperty("role").GetString());
        var expires = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        var token = body.GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/t/write", bearer: token)).StatusCode);
        var me = await Json(await Send(HttpMethod.Get, "/api/v1/auth/me", bearer: token));
        Assert.Equal("bearer", me.GetProperty("authMethod").GetString());
        Assert.False(me.TryGetProperty("csrfToken", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, "/api/v1/auth/logout", bearer: token)).StatusCode);
        var after = await Send(HttpMethod.Get, "/t/read", bearer: token);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains(after.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter!.Contains("invalid_token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Token_FromBasicHeader_Works()
    {
        var response = await Send(HttpMethod.Post, "/api/v1/auth/token", basic: ("aud", AuditorPassword));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await Json(response)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/sensitive", bearer: token)).StatusCode);
    }

    [Theory]
    [InlineData("""{"username":"op","password":"wrong-password"}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"username":"op"}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"username":"op","password":"op-password","expiresIn":999999}""", HttpStatusCode.UnprocessableEntity)]
    [InlineData("""{"username":"op","password":"op-password","scope":"all"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"username":"op","password":42}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"username":"op","password":"op-password","expiresIn":1.5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"username":"op",""", HttpStatusCode.BadRequest)]
    [InlineData("""{"username":"op","username":"root","password":"op-password"}""", HttpStatusCode.BadRequest)]
    [InlineData("""["op","op-password"]""", HttpStatusCode.BadRequest)]
    public async Task Token_BadRequests_AreProblems(string json, HttpStatusCode expected)
    {
        var response = await Send(HttpMethod.Post, "/api/v1/auth/token", json: json);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CookieLogin_GetNeedsNoCsrf_PostNeedsIt()
    {
        var login = await Send(HttpMethod.Post, "/api/v1/auth/login", json: """{"username":"op","password":"op-password"}""");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith(AuthDefaults.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
        var body = await Json(login);
        var csrf = body.GetProperty("csrfToken").GetString()!;
        Assert.Equal(Roles.Operator, body.GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/read", cookie: cookie)).StatusCode);
        var me = await Json(await Send(HttpMethod.Get, "/api/v1/auth/me", cookie: cookie));
        Assert.Equal(("op", "cookie", csrf), (me.GetProperty("user").GetString(), me.GetProperty("authMethod").GetString(), me.GetProperty("csrfToken").GetString()));

        var without = await Send(HttpMethod.Post, "/t/write", cookie: cookie);
        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Equal("missing or wrong anti-CSRF token", (await Problem(without)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/t/write", cookie: cookie, csrf: csrf + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/t/write", cookie: cookie, csrf: csrf)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/api/v1/auth/logout", cookie: cookie)).StatusCode);
        var logout = await Send(HttpMethod.Post, "/api/v1/auth/logout", cookie: cookie, csrf: csrf);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Contains(logout.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AuthDefaults.CookieName + "=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", cookie: cookie)).StatusCode);
    }

    [Fact]
    public async Task Login_NotJson_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
        {
            Content = new StringContent("username=op&password=op-password", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(415, (await Problem(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task RoleLackingTheRight_403Problem_NamingTheRole()
    {
        var response = await Send(HttpMethod.Post, "/t/write", basic: ("aud", AuditorPassword));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await Problem(response);
        Assert.Contains("admin or operator", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("auditor", problem.GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/t/sensitive", basic: ("op", OpPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, "/t/admin", basic: ("op", OpPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/t/admin", basic: ("root", RootPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/sensitive", basic: ("aud", AuditorPassword))).StatusCode);
    }

    [Fact]
    public async Task RepeatedBasicFailures_429WithRetryAfter_EvenForTheRightPassword()
    {
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", basic: ("op", "wrong-" + i))).StatusCode);
        }
        var response = await Send(HttpMethod.Get, "/t/read", basic: ("op", OpPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), LoginThrottle.FirstBlock);
        Assert.Equal(429, (await Problem(response)).GetProperty("status").GetInt32());

        var token = await Send(HttpMethod.Post, "/api/v1/auth/token", json: """{"username":"op","password":"op-password"}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, token.StatusCode);
        var basicToken = await Send(HttpMethod.Post, "/api/v1/auth/token", basic: ("op", OpPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, basicToken.StatusCode);
    }

    [Fact]
    public async Task RepeatedLoginFailures_429()
    {
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Post, "/api/v1/auth/login", json: """{"username":"root","password":"guess-guess"}""")).StatusCode);
        }
        var response = await Send(HttpMethod.Post, "/api/v1/auth/login", json: """{"username":"root","password":"root-password"}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Users_CreateGetListDelete()
    {
        var admin = ("root", RootPassword);
        var created = await Send(HttpMethod.Post, "/api/v1/users", basic: admin, json: """{"name":"eve","role":"auditor","password":"eve-password","description":"audit"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/users/eve", created.Headers.Location?.OriginalString);
        var user = await Json(created);
        Assert.Equal("eve", user.GetProperty("name").GetString());
        Assert.False(user.TryGetProperty("passwordHash", out _));
        Assert.Equal(["name", "role", "description", "created", "updated"], user.EnumerateObject().Select(p => p.Name));

        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Post, "/api/v1/users", basic: admin, json: """{"name":"eve","role":"auditor","password":"eve-password"}""")).StatusCode);
        var list = await Json(await Send(HttpMethod.Get, "/api/v1/users", basic: ("aud", AuditorPassword)));
        Assert.Equal(["aud", "eve", "op", "root"], list.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/v1/users/eve", basic: admin)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, "/api/v1/users/eve", basic: admin)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/v1/users/eve", basic: admin)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Delete, "/api/v1/users/eve", basic: admin)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", basic: ("eve", "eve-password"))).StatusCode);
    }

    [Fact]
    public async Task Users_Create_InvalidFields_422ListsEach()
    {
        var response = await Send(HttpMethod.Post, "/api/v1/users", basic: ("root", RootPassword), json: """{"name":"bad name","role":"god","password":"short"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var paths = (await Problem(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString());
        Assert.Equal(["name", "role", "password"], paths);
    }

    [Fact]
    public async Task Users_Create_UnknownFieldsAndWrongTypes_400ListsEach()
    {
        var response = await Send(HttpMethod.Post, "/api/v1/users", basic: ("root", RootPassword), json: """{"name":"eve","role":1,"password":"eve-password","admin":true,"x":null}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = (await Problem(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString());
        Assert.Equal(["role", "admin", "x"], paths);
    }

    [Fact]
    public async Task Users_BodyOver64KiB_413()
    {
        var json = $$"""{"name":"eve","role":"auditor","password":"eve-password","description":"{{new string('a', 70_000)}}"}""";
        var response = await Send(HttpMethod.Post, "/api/v1/users", basic: ("root", RootPassword), json: json);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, (await Problem(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Users_NotAdmin_CannotCreate()
    {
        var response = await Send(HttpMethod.Post, "/api/v1/users", basic: ("op", OpPassword), json: """{"name":"eve","role":"admin","password":"eve-password"}""");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Users_DeleteLastAdmin_409()
    {
        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Delete, "/api/v1/users/root", basic: ("root", RootPassword))).StatusCode);
    }

    [Fact]
    public async Task Users_PutAndPatch_ByAdmin()
    {
        var admin = ("root", RootPassword);
        var put = await Send(HttpMethod.Put, "/api/v1/users/op", basic: admin, json: """{"name":"op","role":"auditor","description":"moved"}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("auditor", (await Json(put)).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Put, "/api/v1/users/op", basic: admin, json: """{"name":"other","role":"auditor"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Put, "/api/v1/users/nobody", basic: admin, json: """{"role":"auditor"}""")).StatusCode);

        var patch = await Send(HttpMethod.Patch, "/api/v1/users/op", basic: admin, json: """{"description":null}""");
        var patched = await Json(patch);
        Assert.Equal(("auditor", JsonValueKind.Null), (patched.GetProperty("role").GetString(), patched.GetProperty("description").ValueKind));

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Patch, "/api/v1/users/op", basic: admin, json: """{"password":"new-op-password"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", basic: ("op", OpPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/read", basic: ("op", "new-op-password"))).StatusCode);
    }

    [Fact]
    public async Task Users_OwnPasswordChange_ByOperator_RevokesSessions()
    {
        var token = (await Json(await Send(HttpMethod.Post, "/api/v1/auth/token", basic: ("op", OpPassword)))).GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Patch, "/api/v1/users/op", bearer: token, json: """{"password":"new-op-password"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Patch, "/api/v1/users/op", bearer: token, json: """{"password":"new-op-password","currentPassword":"not-it-at-all"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Patch, "/api/v1/users/op", bearer: token, json: """{"password":"new-op-password","currentPassword":"op-password","role":"admin"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Patch, "/api/v1/users/aud", bearer: token, json: """{"password":"new-aud-password","currentPassword":"op-password"}""")).StatusCode);

        var changed = await Send(HttpMethod.Patch, "/api/v1/users/op", bearer: token, json: """{"password":"new-op-password","currentPassword":"op-password"}""");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/t/read", bearer: token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/t/read", basic: ("op", "new-op-password"))).StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesBodiesAndTags()
    {
        var document = await Json(await _client.GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");
        var create = paths.GetProperty("/api/v1/users").GetProperty("post");
        Assert.Equal("users", create.GetProperty("tags")[0].GetString());
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        var token = paths.GetProperty("/api/v1/auth/token").GetProperty("post");
        Assert.Equal("auth", token.GetProperty("tags")[0].GetString());
        var body = token.GetProperty("requestBody");
        Assert.True(body.GetProperty("content").TryGetProperty("application/json", out _));
        Assert.False(body.TryGetProperty("required", out var required) && required.GetBoolean());
    }

    private async Task<HttpResponseMessage> Send(
        HttpMethod method, string path, (string User, string Password)? basic = null, string? bearer = null,
        string? cookie = null, string? csrf = null, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (basic is { } b)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(b.User + ":" + b.Password)));
        }
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        if (csrf is not null)
        {
            request.Headers.Add(AuthDefaults.CsrfHeader, csrf);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return await _client.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await Json(response);
    }
}
