using System.Net;
using System.Text;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Fulcrum.Tests.Scripting;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>Rules in the live proxy: a real fulcrum, real Kestrel backends, real clients; what the client and the backend see.</summary>
public sealed class RuleProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    public RuleProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    [Fact]
    public async Task PoolByUriPrefix_KeepAlive_EachRequestChoosesItsPool()
    {
        var web = await Backend("web");
        var api = await Backend("api");
        var stat = await Backend("static");
        await Pool("web", web.Port);
        await Pool("api", api.Port);
        await Pool("static", stat.Port);
        await Rule("route", Localize(Sample("pool-by-uri-prefix.js"), "web", "api", "static"));
        var port = await Virtual("web", "route");
        using var http = Client();
        var seen = new List<string?>();
        foreach (var path in new[] { "/api/a", "/", "/static/x", "/api/b", "/" })
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port}{path}");
            seen.Add(Header(r, "X-Backend"));
        }
        Assert.Equal(["api", "web", "static", "api", "web"], seen);
    }

    [Fact]
    public async Task ServerConnected_CtxServerIsTheMemberJustConnected()
    {
        var web = await Backend("web");
        await Pool("web", web.Port);
        await Rule("srv", """
            when('SERVER_CONNECTED', ctx => { ctx.vars.srv = ctx.server ? ctx.server.ip + ':' + ctx.server.port : 'null'; });
            when('HTTP_RESPONSE', ctx => { ctx.http.setHeader('x-server', ctx.vars.srv); });
            """);
        var port = await Virtual("web", "srv");
        using var http = Client();

        using var r = await http.GetAsync($"http://127.0.0.1:{port}/");

        Assert.Equal($"127.0.0.1:{web.Port}", Header(r, "x-server"));
    }

    [Fact]
    public async Task HostRouting_DataGroupPicksThePool_UnknownHostGets404()
    {
        var a = await Backend("a");
        var b = await Backend("b");
        await Pool("pa", a.Port);
        await Pool("pb", b.Port);
        await DataGroup("hosts", "string", new() { ["a.example"] = N("pa"), ["b.example"] = N("pb") });
        await Rule("hr", Localize(Sample("host-routing.js"), "hosts"));
        var port = await Virtual("pa", "hr");
        using var http = Client();
        foreach (var (host, expect) in new[] { ("a.example", "a"), ("b.example", "b"), ("a.example", "a") })
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/") { Headers = { Host = host } };
            using var r = await http.SendAsync(req);
            Assert.Equal(expect, Header(r, "X-Backend"));
        }
        using var unknown = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/") { Headers = { Host = "c.example" } };
        using var u = await http.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, u.StatusCode);
        Assert.Equal("unknown site\n", await u.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HttpsRedirect_AnswersAtTheEdge_BackendSeesNothing()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await Rule("redir", Sample("https-redirect.js"));
        var port = await Virtual("p", "redir");
        var (raw, _) = await RawClient.ExchangeAsync(port, "GET /q HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n");
        Assert.True(raw.StartsWith("HTTP/1.1 301", StringComparison.Ordinal), raw + "\n----\n" + _f.Appliance.Output[^Math.Min(4000, _f.Appliance.Output.Length)..]);
        using var http = Client();
        using var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/a/b?c=d") { Headers = { Host = "www.example.com" } };
        using var r = await http.SendAsync(req);
        Assert.Equal(HttpStatusCode.MovedPermanently, r.StatusCode);
        Assert.Equal("https://www.example.com/a/b?c=d", r.Headers.Location!.ToString());
        // keep-alive after a local response: the same connection answers again
        using var r2 = await http.GetAsync($"http://127.0.0.1:{port}/x");
        Assert.Equal(HttpStatusCode.MovedPermanently, r2.StatusCode);
        Assert.Equal(0, be.Requests);
    }

    [Fact]
    public async Task BlockList_ForbidsNormalizedPathAndAgent_OthersPass()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await DataGroup("blocked-paths", "string", new() { ["/admin"] = "" });
        await DataGroup("blocked-agents", "string", new() { ["sqlmap"] = "" });
        await Rule("block", Localize(Sample("block-list.js"), "blocked-paths", "blocked-agents"));
        var port = await Virtual("p", "block");
        using var http = Client();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"http://127.0.0.1:{port}/%41dmin/../admin/x")).StatusCode);
        using var agent = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
        agent.Headers.TryAddWithoutValidation("User-Agent", "SQLMap/1.0");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(agent)).StatusCode);
        Assert.Equal("hello from be\n", await http.GetStringAsync($"http://127.0.0.1:{port}/"));
    }

    [Fact]
    public async Task HeaderHygiene_BackendSeesRealClientAddress_ClientSeesScrubbedHeaders()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await Rule("hyg", Sample("header-hygiene.js"));
        var port = await Virtual("p", "hyg");
        using var http = Client();
        using var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/headers");
        req.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        using var r = await http.SendAsync(req);
        var seen = await r.Content.ReadAsStringAsync();
        Assert.Contains("127.0.0.1", seen);
        Assert.DoesNotContain("6.6.6.6", seen);
        Assert.Null(Header(r, "Server"));
        Assert.Equal("nosniff", Header(r, "x-content-type-options"));
    }

    [Fact]
    public async Task SorryServer_LbFailed_SendsToTheSorryPool()
    {
        var sorry = await Backend("sorry");
        using var dead = FreePort.Refusing(out var deadPort);
        await _f.Admin.PoolAsync(N("web"), [deadPort]);
        await Pool("sorry", sorry.Port);
        await Rule("sorrysrv", Localize(Sample("sorry-server.js"), "web", "sorry"));
        var port = await Virtual("web", "sorrysrv");
        using var http = Client();
        using var r = await http.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal("sorry", Header(r, "X-Backend"));
    }

    [Fact]
    public async Task ResponseRelease_RunsOnLocalResponses_AndSecondRespondIsAnError()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await Rule("local", """
            when('HTTP_REQUEST', ctx => {
              if (ctx.http.path === '/local') ctx.http.respond(418, 'teapot');
              if (ctx.http.path === '/twice') { ctx.http.respond(200, 'a'); ctx.http.respond(200, 'b'); }
            });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-released', String(ctx.http.status)); });
            """);
        var port = await Virtual("p", "local");
        using var http = Client();
        using var local = await http.GetAsync($"http://127.0.0.1:{port}/local");
        Assert.Equal(418, (int)local.StatusCode);
        Assert.Equal("418", Header(local, "x-released"));
        Assert.Equal("teapot", await local.Content.ReadAsStringAsync());
        using var proxied = await http.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal("200", Header(proxied, "x-released"));
        using var twice = await http.GetAsync($"http://127.0.0.1:{port}/twice");
        Assert.Equal(HttpStatusCode.InternalServerError, twice.StatusCode);
    }

    [Fact]
    public async Task RequestBody_CollectedDecodedAndReplaced_BackendGetsTheNewBody()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        await Rule("body", """
            when('HTTP_REQUEST', ctx => { ctx.http.collect({ max: 1024 }); });
            when('HTTP_REQUEST_DATA', ctx => { ctx.http.body = ctx.http.body.toUpperCase() + '!'; });
            """);
        var port = await Virtual("p", "body");
        using var s = await RawClient.ConnectAsync(port);
        await s.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"u8.ToArray());
        var text = await RawClient.ReadUntilAsync(s, "HELLO WORLD!", 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", text);
    }

    [Fact]
    public async Task L4FirstBytes_RoutesByPayload_UnknownProtocolAnsweredAndClosed()
    {
        var be = await Backend("httpbe");
        await Pool("http", be.Port);
        await Rule("l4", Localize(Sample("l4-first-bytes.js"), "http", "tls", "ssh").Replace("'" + N("tls") + "'", "'" + N("http") + "'").Replace("'" + N("ssh") + "'", "'" + N("http") + "'"));
        var port = await Virtual("http", "l4", profiles: "\"tcp\"");
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.0\r\nHost: a\r\n\r\n");
        Assert.True(closed);
        Assert.Contains("hello from httpbe", text);
        var (refused, closed2) = await RawClient.ExchangeAsync(port, "XYZW\r\n");
        Assert.True(closed2);
        Assert.Equal("unsupported protocol\r\n", refused);
    }

    [Fact]
    public async Task HostileHandlers_FailOnlyTheirOwnRequests_HundredGoodClientsUnaffected()
    {
        var be = await Backend("be");
        await Pool("p", be.Port);
        // The default limits: time is CPU time of the dispatching thread, so good requests parked while hostile ones burn
        // both cores are not charged for the wait.
        await Rule("hostile", """
            function deep(n) { return deep(n + 1) + 1; }
            when('HTTP_REQUEST', ctx => {
              const p = ctx.http.path;
              if (p === '/loop') { for (;;) {} }
              if (p === '/deep') deep(0);
              if (p === '/tostring') { const o = { toString() { return '' + o; } }; String(o); }
              if (p === '/repeat') 'x'.repeat(2e8);
              if (p === '/buffer') new ArrayBuffer(2e9);
              if (p === '/array') { const a = []; for (;;) a.push(a.length); }
              if (p === '/json') { let a = []; for (let i = 0; i < 30; i++) a = [a, a]; JSON.stringify(a); }
              if (p === '/regex') /^(a+)+$/.test('a'.repeat(40) + 'b');
              if (p === '/throw') throw new Error('boom');
              if (p === '/eval') eval('1');
              if (p === '/function') new Function('return 1')();
              if (p === '/realm') new ShadowRealm().evaluate('1');
              if (p === '/host') ctx['http'].method = 'PUT';
              if (p === '/big') { let s = 'x'; for (;;) s = s + s; }
              if (p === '/gb-repeat') 'x'.repeat(2 ** 30);
              if (p === '/gb-join') Array(2 ** 30 + 1).join('x');
              if (p === '/gb-template') { let s = 'x'; for (let i = 0; i < 31; i++) s = `${s}${s}`; }
              if (p === '/gb-json') JSON.stringify('\u0001'.repeat(4e6));
              if (p === '/gb-encode') encodeURIComponent(encodeURIComponent(encodeURIComponent('\u00ff'.repeat(4e6))));
              if (p === '/gb-replace') { const s = 'x'.repeat(1e6); RegExp.prototype[Symbol.replace].call(/x/g, s, s); }
              if (p === '/gb-raw') { const s = 'x'.repeat(4e6); String.raw({ raw: new Array(1e6).fill(s) }); }
              if (p === '/gb-keys') Object.getOwnPropertyDescriptors('x'.repeat(4e6));
            });
            """);
        var port = await Virtual("p", "hostile");
        using var good = Client();
        var stop = false;
        var failures = 0;
        var served = 0;
        var load = Enumerable.Range(0, 100).Select(async _ =>
        {
            using var c = Client();
            while (!Volatile.Read(ref stop))
            {
                try
                {
                    using var r = await c.GetAsync($"http://127.0.0.1:{port}/");
                    if (r.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                    Interlocked.Increment(ref served);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
                await Task.Delay(20);
            }
        }).ToArray();
        foreach (var path in new[] { "/loop", "/deep", "/tostring", "/repeat", "/buffer", "/array", "/json", "/regex", "/throw", "/eval", "/function", "/realm", "/host", "/big",
            "/gb-repeat", "/gb-join", "/gb-template", "/gb-json", "/gb-encode", "/gb-replace", "/gb-raw", "/gb-keys" })
        {
            using var hostile = Client();
            using var r = await hostile.GetAsync($"http://127.0.0.1:{port}{path}");
            Assert.True(r.StatusCode == HttpStatusCode.InternalServerError, path + " → " + r.StatusCode);
        }
        Volatile.Write(ref stop, true);
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.True(served > 100, served.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(System.Diagnostics.Process.GetProcessById(_f.Appliance.Pid).HasExited);
        var metrics = (await _f.Admin.Get("/metrics")).Text;
        Assert.Contains("fulcrum_rule_failures_total{rule=\"" + N("hostile") + "\"}", metrics);
    }
}
