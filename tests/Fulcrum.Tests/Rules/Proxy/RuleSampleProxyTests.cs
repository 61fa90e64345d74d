using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Fulcrum.Tests.Scripting;
using Microsoft.AspNetCore.Http;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>The sample rules (rules/*.js) in the live proxy: a real fulcrum, real Kestrel backends, real clients.</summary>
public sealed class RuleSampleProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    public RuleSampleProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string url, params (string Name, string Value)[] headers)
    {
        using var req = new HttpRequestMessage(method, url);
        foreach (var (name, value) in headers)
        {
            req.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(req);
    }

    [Fact]
    public async Task MaintenancePage_NoActiveMember_503AtTheEdge_ThenProxiedOnceEnabled()
    {
        var be = await Backend("web");
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/pools", $$"""{"name":"{{N("web")}}","members":[{"address":"127.0.0.1","port":{{be.Port}},"state":"disabled"}]}"""));
        await Rule("maint", Localize(Sample("maintenance-page.js"), "web"));
        var port = await Virtual("web", "maint");
        using var http = Client();
        using (var r = await http.GetAsync($"http://127.0.0.1:{port}/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Equal("120", Header(r, "retry-after"));
            Assert.StartsWith("text/html", Header(r, "content-type"));
            Assert.Contains("Down for maintenance", await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, be.Requests);
        await DataPlaneApi.Ok(_f.Admin.Patch($"/api/v1/pools/{N("web")}/members/127.0.0.1:{be.Port}", """{"state":"enabled"}"""));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port}/");
            status = r.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal("web", Header(r, "X-Backend"));
                break;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task RateLimit_SixthRequestInASecondGets429_TrustedAddressNeverLimited()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await DataGroup("trusted", "address", new() { ["10.0.0.0/8"] = "" });
        await Rule("rl", Localize(Sample("rate-limit.js"), "trusted"));
        var port = await Virtual("p", "rl");
        using var http = Client();
        var codes = new List<int>();
        string? retryAfter = null;
        for (var i = 0; i < 7; i++)
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port}/");
            codes.Add((int)r.StatusCode);
            retryAfter ??= Header(r, "retry-after");
        }
        Assert.Equal([200, 200, 200, 200, 200], codes.Take(5));
        Assert.Equal(429, codes[5]);
        Assert.True(int.Parse(retryAfter!, CultureInfo.InvariantCulture) is >= 1 and <= 2, retryAfter);
        Assert.Equal(5, be.Requests);

        // the same rule with the loopback trusted: never limited
        await DataGroup("trusted2", "address", new() { ["127.0.0.0/8"] = "" });
        await Rule("rl2", Localize(Sample("rate-limit.js").Replace("'trusted'", "'trusted2'", StringComparison.Ordinal), "trusted2"));
        var port2 = await Virtual("p", "rl2");
        for (var i = 0; i < 12; i++)
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port2}/");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Fact]
    public async Task CorsPreflight_AllowedOriginAnsweredAtTheEdge_ActualResponseGetsAllowOrigin_OthersNothing()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await DataGroup("cors-origins", "string", new() { ["https://app.example"] = "" });
        await Rule("cors", Localize(Sample("cors-preflight.js"), "cors-origins"));
        var port = await Virtual("p", "cors");
        var url = $"http://127.0.0.1:{port}/";
        using var http = Client();
        using (var pre = await Send(http, HttpMethod.Options, url, ("Origin", "https://app.example"), ("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-token")))
        {
            Assert.Equal(HttpStatusCode.NoContent, pre.StatusCode);
            Assert.Equal("https://app.example", Header(pre, "access-control-allow-origin"));
            Assert.Equal("x-token", Header(pre, "access-control-allow-headers"));
            Assert.Equal("600", Header(pre, "access-control-max-age"));
        }
        Assert.Equal(0, be.Requests);
        using (var actual = await Send(http, HttpMethod.Get, url, ("Origin", "https://app.example")))
        {
            Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
            Assert.Equal("https://app.example", Header(actual, "access-control-allow-origin"));
            Assert.Contains("Origin", string.Join(",", actual.Headers.Vary));
        }
        Assert.Equal(1, be.Requests);
        using (var other = await Send(http, HttpMethod.Options, url, ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "PUT")))
        {
            Assert.Null(Header(other, "access-control-allow-origin"));
        }
        using (var otherGet = await Send(http, HttpMethod.Get, url, ("Origin", "https://evil.example")))
        {
            Assert.Equal(HttpStatusCode.OK, otherGet.StatusCode);
            Assert.Null(Header(otherGet, "access-control-allow-origin"));
        }
    }

    [Fact]
    public async Task Canary_ClientAddressPicksTheSide_CookieKeepsIt()
    {
        var stable = await Backend("stable");
        var canary = await Backend("canary");
        await Pool("stable", stable.Port);
        await Pool("canary", canary.Port);
        await Rule("canary", Sample("canary.js").Replace("'canary' : 'stable'", $"'{N("canary")}' : '{N("stable")}'", StringComparison.Ordinal));
        var port = await Virtual("stable", "canary");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("127.0.0.1")));
        // parseInt of 8 hex digits is unsigned in JS; long keeps it so
        var side = long.Parse(hash[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture) % 100 < 10 ? "yes" : "no";
        using var http = Client();
        var url = $"http://127.0.0.1:{port}/";
        using (var first = await http.GetAsync(url))
        {
            Assert.Equal(side == "yes" ? "canary" : "stable", Header(first, "X-Backend"));
            var cookie = first.Headers.GetValues("Set-Cookie").Single();
            Assert.StartsWith("canary=" + side, cookie);
            Assert.Contains("Max-Age=86400", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("HttpOnly", cookie, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var (value, expect) in new[] { ("yes", "canary"), ("no", "stable"), ("yes", "canary") })
        {
            using var r = await Send(http, HttpMethod.Get, url, ("Cookie", "canary=" + value));
            Assert.Equal(expect, Header(r, "X-Backend"));
            Assert.False(r.Headers.Contains("Set-Cookie"));
        }
    }

    [Fact]
    public async Task PrefixStrip_BackendSeesPathWithoutPrefix_LocationMappedBack()
    {
        var shop = await Scripted("shop", ctx =>
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = "/after" + ctx.Request.Path;
            ctx.Response.Headers["X-Seen-Path"] = ctx.Request.Path.Value + ctx.Request.QueryString.Value;
            return Task.CompletedTask;
        });
        var web = await Backend("web");
        await Pool("shop", shop.Port);
        await Pool("web", web.Port);
        await Rule("strip", Localize(Sample("prefix-strip.js"), "shop"));
        var port = await Virtual("web", "strip");
        using var http = Client();
        using (var r = await http.GetAsync($"http://127.0.0.1:{port}/shop/cart/items?x=1"))
        {
            Assert.Equal(HttpStatusCode.Found, r.StatusCode);
            Assert.Equal("/cart/items?x=1", Header(r, "X-Seen-Path"));
            Assert.Equal("/shop/after/cart/items", r.Headers.Location!.OriginalString);
        }
        using (var root = await http.GetAsync($"http://127.0.0.1:{port}/shop"))
        {
            Assert.Equal("/", Header(root, "X-Seen-Path"));
            Assert.Equal("/shop/after/", root.Headers.Location!.OriginalString);
        }
        using (var other = await http.GetAsync($"http://127.0.0.1:{port}/"))
        {
            Assert.Equal("web", Header(other, "X-Backend"));
        }
        using (var shopping = await http.GetAsync($"http://127.0.0.1:{port}/shopping"))
        {
            Assert.Equal("web", Header(shopping, "X-Backend"));
        }
    }

    /// <summary>With a universal persistence profile on the virtual the rule's key goes through the selector (records under that profile); without one the rule keeps its own (rule:universal).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JsessionidPersistence_CookieOrPathParameter_StaysOnTheMemberThatIssuedIt(bool universalProfile)
    {
        static Func<HttpContext, Task> App(string name) => ctx =>
        {
            if (!ctx.Request.Cookies.ContainsKey("JSESSIONID") && !ctx.Request.Path.Value!.Contains(";jsessionid=", StringComparison.OrdinalIgnoreCase))
            {
                ctx.Response.Headers.Append("Set-Cookie", "theme=dark; Path=/");
                ctx.Response.Headers.Append("Set-Cookie", "JSESSIONID=" + name + Guid.NewGuid().ToString("N")[..8] + "; Path=/; HttpOnly");
            }
            return ctx.Response.WriteAsync(name);
        };
        var a = await Scripted("a", App("a"));
        var b = await Scripted("b", App("b"));
        await Pool("app", a.Port, b.Port);
        await Rule("jsess", Sample("jsessionid-persistence.js"));
        var profile = N("uie");
        if (universalProfile)
        {
            await _f.Admin.ProfileAsync("persistence", $$"""{"name":"{{profile}}","method":"universal","timeout":60}""");
        }
        var port = await Virtual("app", "jsess", extra: universalProfile ? $",\"persistence\":\"{profile}\"" : "");
        var url = $"http://127.0.0.1:{port}";
        using var http = Client();
        var sessions = new List<(string Id, string Member)>();
        for (var i = 0; i < 4; i++)
        {
            using var r = await Send(http, HttpMethod.Get, url + "/login", ("Connection", "close"));
            var id = r.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("JSESSIONID=", StringComparison.Ordinal))["JSESSIONID=".Length..];
            sessions.Add((id, Header(r, "X-Backend")!));
        }
        Assert.Equal(2, sessions.Select(s => s.Member).Distinct().Count()); // without a session the pool balances
        foreach (var (id, member) in sessions)
        {
            for (var i = 0; i < 3; i++)
            {
                using var byCookie = await Send(http, HttpMethod.Get, url + "/app", ("Cookie", "JSESSIONID=" + id), ("Connection", "close"));
                Assert.Equal(member, Header(byCookie, "X-Backend"));
                using var byPath = await Send(http, HttpMethod.Get, url + "/app;jsessionid=" + id, ("Connection", "close"));
                Assert.Equal(member, Header(byPath, "X-Backend"));
            }
        }
        var records = (await _f.Admin.Get("/api/v1/persistence?virtual=" + N("vsjsess"))).Text;
        foreach (var (id, _) in sessions)
        {
            Assert.Contains(id, records);
        }
        Assert.Contains(universalProfile ? profile : "rule:universal", records);
        Assert.DoesNotContain(universalProfile ? "rule:universal" : profile, records);
    }

    [Fact]
    public async Task PersistCookie_KeepsTheVirtualsCookiePersistence_FailsWithoutOneOrWithAnotherName()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await Rule("ck", """
            when('HTTP_REQUEST', ctx => {
              if (ctx.http.path === '/other') ctx.persist.cookie('other', 0); else ctx.persist.cookie();
            });
            """);
        var profile = N("ck-ins");
        await _f.Admin.ProfileAsync("persistence", $$"""{"name":"{{profile}}","method":"cookie","cookieMethod":"insert"}""");
        var with = await Virtual("p", "ck", extra: $",\"persistence\":\"{profile}\"", name: "vs-ck-with");
        var without = await Virtual("p", "ck", name: "vs-ck-without");
        using var http = Client();
        using (var r = await http.GetAsync($"http://127.0.0.1:{with}/"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains(r.Headers.GetValues("Set-Cookie"), c => c.StartsWith("fulcrum_" + N("p") + "=", StringComparison.Ordinal));
        }
        using (var r = await http.GetAsync($"http://127.0.0.1:{with}/other"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        }
        using (var r = await http.GetAsync($"http://127.0.0.1:{without}/"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        }
    }

    [Fact]
    public async Task BodyRewrite_HtmlResponseCollectedAndRewritten_OtherTypesUntouched()
    {
        const string html = "<a href=\"http://intranet.local/x\">x</a> <img src=\"http://intranet.local/i.png\">";
        var be = await Scripted("be", async ctx =>
        {
            ctx.Response.ContentType = ctx.Request.Path == "/page" ? "text/html; charset=utf-8" : "text/plain";
            // no Content-Length: Kestrel sends it chunked, in two writes
            await ctx.Response.WriteAsync(html[..20]);
            await ctx.Response.Body.FlushAsync();
            await ctx.Response.WriteAsync(html[20..]);
        });
        await Pool("p", be.Port);
        await Rule("rewrite", Sample("body-rewrite.js"));
        var port = await Virtual("p", "rewrite");
        using var http = Client();
        using (var r = await http.GetAsync($"http://127.0.0.1:{port}/page"))
        {
            var body = await r.Content.ReadAsStringAsync();
            Assert.Equal(html.Replace("http://intranet.local", "https://www.example.com", StringComparison.Ordinal), body);
            Assert.Equal(Encoding.UTF8.GetByteCount(body), r.Content.Headers.ContentLength);
        }
        using (var plain = await http.GetAsync($"http://127.0.0.1:{port}/plain"))
        {
            Assert.Equal(html, await plain.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task XForwardedFor_ClientsOwnKeptOnlyWhenTrusted_RuleSeesWhatTheMemberGets(bool trusted)
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        var profile = N(trusted ? "http-xff-t" : "http-xff-u");
        await _f.Admin.ProfileAsync("http", $$"""{"name":"{{profile}}","insertXForwardedFor":true,"trustedXForwardedFor":["{{(trusted ? "127.0.0.0/8" : "10.0.0.0/8")}}"]}""");
        await Rule("xff", """
            when('HTTP_REQUEST', ctx => {
              ctx.req.xff = ctx.http.headers('x-forwarded-for').join(', ');
              ctx.req.first = ctx.http.header('x-forwarded-for') || '';
            });
            when('HTTP_RESPONSE', ctx => { ctx.http.setHeader('x-rule-saw', ctx.req.xff); ctx.http.setHeader('x-rule-first', ctx.req.first); });
            """);
        var port = await Virtual("p", "xff", profiles: $"\"tcp\",\"{profile}\"");
        using var http = Client();
        using var r = await Send(http, HttpMethod.Get, $"http://127.0.0.1:{port}/headers", ("X-Forwarded-For", "6.6.6.6"));
        static string Chain(string? v) => string.Join(", ", (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var seen = Chain((await r.Content.ReadAsStringAsync()).Split('\n').Single(l => l.StartsWith("x-forwarded-for:", StringComparison.Ordinal))["x-forwarded-for:".Length..]);
        var ruleSaw = Chain(Header(r, "x-rule-saw"));
        if (trusted)
        {
            // kept: the client's chain first, the proxy's entry (the client address) after it; header() gives the first field
            Assert.Equal("6.6.6.6, 127.0.0.1", seen);
            Assert.Equal("6.6.6.6", Header(r, "x-rule-first"));
        }
        else
        {
            // replaced: the client's own field is dropped, only the proxy's value goes (and is what the rule reads)
            Assert.Equal("127.0.0.1", seen);
            Assert.Equal("127.0.0.1", Header(r, "x-rule-first"));
        }
        Assert.Equal(seen, ruleSaw);
    }

    [Fact]
    public async Task RequestTiming_LogsEveryResponse_ProxiedAndLocal()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await Rule("timing", Sample("request-timing.js"));
        var port = await Virtual("p", "timing");
        using var http = Client();
        using var r = await http.GetAsync($"http://127.0.0.1:{port}/?timing=" + _id);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var missing = await http.GetAsync($"http://127.0.0.1:{port}/nothing-{_id}");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var pattern = $"GET /nothing-{_id} 404 ";
        while (!_f.Appliance.Output.Contains(pattern, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        var output = _f.Appliance.Output;
        Assert.Contains(pattern, output);
        Assert.Matches($@"GET /nothing-{_id} 404 \d+ms 127\.0\.0\.1 -> {N("p")} 127\.0\.0\.1:{be.Port}", output);
    }
}
