using System.Text;
using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;
using Fulcrum.Scripting.Testing;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Scripting;

/// <summary>The host contract a rule author sees: what each ctx call reads and does, and when it is refused.</summary>
public sealed class HostContractTests
{
    private static string Header(string expression, string uri = "/a%2Fb/../c/./d?x=1&y=%20z&x=2", string ip = "10.1.2.3")
    {
        var h = new RuleHarness($"when('HTTP_REQUEST', ctx => {{ ctx.http.setHeader('x-out', String({expression})); }});");
        var sample = RuleHarness.Http(uri, "Example.COM:8443", ip);
        sample.Request!.Headers["cookie"] = System.Text.Json.JsonSerializer.SerializeToElement("a=1; sid=\"q9\"");
        sample.Request.Headers["x-multi"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { "one", "two" });
        var (r, ctx, _) = h.Run(sample, RuleEvent.HttpRequest);
        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        return ctx.RequestHeaders.Get("x-out")!;
    }

    [Theory]
    [InlineData("ctx.http.method", "GET")]
    [InlineData("ctx.http.path", "/a%2Fb/../c/./d")]
    [InlineData("[1, 2].map(() => ctx['ht' + 'tp']['pa' + 'th'] === ctx.http.path).join() + ctx.http['pa' + 'thx']", "true,trueundefined")]
    [InlineData("ctx.http.normalizedPath", "/a/c/d")]
    [InlineData("ctx.http.query", "x=1&y=%20z&x=2")]
    [InlineData("ctx.http.params.x + '|' + ctx.http.params.y", "1| z")]
    [InlineData("ctx.http.host", "example.com")]
    [InlineData("ctx.http.version", "1.1")]
    [InlineData("ctx.http.headers('x-multi').join('+')", "one+two")]
    [InlineData("ctx.http.header('X-MULTI')", "one")]
    [InlineData("ctx.http.header('absent')", "null")]
    [InlineData("ctx.http.cookie('sid')", "q9")]
    [InlineData("ctx.client.ip + ':' + ctx.client.port", "10.1.2.3:5555")]
    [InlineData("ctx.client.ip.inSubnet('10.0.0.0/8') && !ctx.client.ip.inSubnet('10.2.0.0/16')", "true")]
    [InlineData("ctx.vs", "vs1")]
    [InlineData("ctx.event.name", "HTTP_REQUEST")]
    [InlineData("ctx.server", "null")]
    [InlineData("dataGroup('blocked').startsWith('/admin/x') + ',' + dataGroup('blocked').endsWith('/x/debug') + ',' + dataGroup('blocked').contains('a/debug/b') + ',' + dataGroup('blocked').value('/debug')", "true,true,true,x")]
    [InlineData("crypto.sha256('abc').slice(0, 8)", "ba7816bf")]
    [InlineData("crypto.hmac('k', 'm').length", "64")]
    [InlineData("crypto.base64Decode(crypto.base64Encode('héllo'))", "héllo")]
    [InlineData("url.parse('https://h.test:8443/p?q=1').port + url.parse('https://h.test:8443/p?q=1').query", "8443q=1")]
    [InlineData("url.query('a=1&b=x%20y').b", "x y")]
    [InlineData("url.normalizePath('/a/%2e%2e/b//c')", "/b/c")]
    public void Read(string expression, string expected) => Assert.Equal(expected, Header(expression));

    [Fact]
    public void UriAndPath_Assignable_QueryKept()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { ctx.http.path = '/new' + ctx.http.path; if (ctx.http.query === '') ctx.http.uri = '/x'; });");

        var (_, ctx, _) = h.Run(RuleHarness.Http("/p?q=1"), RuleEvent.HttpRequest);
        var (_, ctx2, _) = h.Run(RuleHarness.Http("/p"), RuleEvent.HttpRequest);

        Assert.Equal("/new/p?q=1", ctx.Uri);
        Assert.Equal("/x", ctx2.Uri);
    }

    [Fact]
    public void HeaderCalls_InResponseEvents_ActOnTheResponse()
    {
        var h = new RuleHarness("""
            when('HTTP_REQUEST', ctx => { ctx.http.setHeader('x-req', '1'); ctx.http.setCookie('c', 'v'); });
            when('HTTP_RESPONSE', ctx => { ctx.http.removeHeader('server'); ctx.http.addHeader('x-res', String(ctx.http.status)); ctx.http.setCookie('s', 'v', { path: '/', httpOnly: true }); });
            """);
        var (ctx, conn) = h.Open();
        h.Set.Dispatch(conn, RuleEvent.HttpRequest);
        ctx.Status = 204;
        ctx.ResponseList = new HeaderList([new("Server", "x")]);

        var r = h.Set.Dispatch(conn, RuleEvent.HttpResponse);

        Assert.Equal(RuleStatus.Continue, r.Status);
        Assert.Equal("1", ctx.RequestHeaders.Get("x-req"));
        Assert.Equal("c=v", ctx.RequestHeaders.Get("cookie"));
        Assert.Null(ctx.ResponseList.Get("server"));
        Assert.Equal("204", ctx.ResponseList.Get("x-res"));
        Assert.Equal("s=v; Path=/; HttpOnly", ctx.ResponseList.Get("set-cookie"));
        Assert.Null(ctx.RequestHeaders.Get("x-res"));
    }

    [Fact]
    public void HeaderInjection_Refused()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { ctx.http.setHeader('x', 'a\\r\\nInjected: 1'); });");

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains("CR, LF", r.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Respond_And_Redirect_MakeLocalResponse()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { if (ctx.http.path === '/r') ctx.http.redirect('https://x/'); else ctx.http.respond(418, 'tea', { 'x-a': ['1', '2'] }); });");

        var (r1, _, c1) = h.Run(RuleHarness.Http("/r"), RuleEvent.HttpRequest);
        var (r2, _, c2) = h.Run(RuleHarness.Http("/t"), RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Responded, r1.Status);
        Assert.Equal(302, c1.Response!.Status);
        Assert.Equal(new KeyValuePair<string, string>("Location", "https://x/"), Assert.Single(c1.Response.Headers));
        Assert.Equal(RuleStatus.Responded, r2.Status);
        Assert.Equal("tea", Encoding.UTF8.GetString(c2.Response!.Body));
        Assert.Equal(2, c2.Response.Headers.Count);
    }

    [Fact]
    public void DropRejectClose_StopLaterHandlers()
    {
        var h = new RuleHarness("""
            when('CLIENT_ACCEPTED', {priority: 1}, ctx => { if (ctx.client.port === 1) ctx.drop(); if (ctx.client.port === 2) ctx.reject(); if (ctx.client.port === 3) ctx.tcp.close(); });
            when('CLIENT_ACCEPTED', ctx => { ctx.vars.second = true; });
            """);
        RuleStatus Run(int port)
        {
            var sample = new RuleSample { Client = new SampleEndpoint { Ip = "10.0.0.1", Port = port } };
            return h.Run(sample, RuleEvent.ClientAccepted).Result.Status;
        }

        Assert.Equal(RuleStatus.Dropped, Run(1));
        Assert.Equal(RuleStatus.Rejected, Run(2));
        Assert.Equal(RuleStatus.Closed, Run(3));
        Assert.Equal(RuleStatus.Continue, Run(4));
    }

    [Fact]
    public void Http_OnL4Virtual_ClearRuntimeError()
    {
        var h = new RuleHarness("when('CLIENT_DATA', ctx => { if (ctx.tcp.payload.startsWith('X')) ctx['http'].method; });");

        var (r, _, _) = h.Run(new RuleSample { Payload = "X1" }, RuleEvent.ClientData);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains("ctx.http is not available", r.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Body_OutsideDataEvent_ClearRuntimeError_InsideReadable()
    {
        var h = new RuleHarness("""
            when('HTTP_REQUEST', ctx => { ctx.http.collect({max: 5}); if (ctx.http.path === '/early') ctx.http['body']; });
            when('HTTP_REQUEST_DATA', ctx => { ctx.http.body = ctx.http.body.toUpperCase(); });
            """);
        var early = h.Run(RuleHarness.Http("/early"), RuleEvent.HttpRequest);
        var sample = RuleHarness.Http("/");
        sample.Request!.Body = "hello";
        var (ctx, conn) = h.Open(sample);

        h.Set.Dispatch(conn, RuleEvent.HttpRequest);
        var data = h.Set.Dispatch(conn, RuleEvent.HttpRequestData);

        Assert.Contains("ctx.http.body is not available in HTTP_REQUEST", early.Result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(5, ctx.RequestCollect);
        Assert.Equal(RuleStatus.Continue, data.Status);
        Assert.Equal("HELLO", Encoding.UTF8.GetString(ctx.RequestBody.Span));
    }

    [Fact]
    public void Table_TtlIncrAndSubtables()
    {
        var time = new FakeClock();
        var table = new Fulcrum.Scripting.State.RuleTable(10, time);

        table.Set("a", "x", 1000);
        Assert.Equal(1, table.Incr("n", 1, 500));
        Assert.Equal(3, table.Incr("n", 2, 500));
        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(1, table.Incr("n", 1, 500));
        Assert.Equal("x", table.Get("a")!.ToString());
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Null(table.Get("a"));
        for (var i = 0; i < 50; i++)
        {
            table.Set("k" + i, i, 0);
        }
        Assert.True(table.Count <= 11);
    }

    [Fact]
    public void Limiter_SlidingWindow()
    {
        var time = new FakeClock();
        var limiter = new Fulcrum.Scripting.State.SlidingWindowLimiter(2, 1000, time);

        Assert.True(limiter.Allow("k"));
        Assert.True(limiter.Allow("k"));
        Assert.False(limiter.Allow("k"));
        Assert.True(limiter.Allow("other"));
        var wait = limiter.RetryAfterMs("k");
        Assert.InRange(wait, 1, 2000);
        time.Advance(TimeSpan.FromMilliseconds(wait));
        Assert.True(limiter.Allow("k"));
    }

    [Fact]
    public void AddressDataGroup_LongestPrefixWins()
    {
        var g = DataGroupIndex.Build("nets", "address", new Dictionary<string, string> { ["10.0.0.0/8"] = "wide", ["10.1.0.0/16"] = "narrow", ["2001:db8::/32"] = "v6" });

        Assert.Equal("narrow", g.Value("10.1.2.3"));
        Assert.Equal("wide", g.Value("10.2.2.3"));
        Assert.Equal("v6", g.Value("2001:db8::1"));
        Assert.Null(g.Value("192.168.0.1"));
        Assert.False(g.Match("not an ip"));
    }

    [Fact]
    public void LbAndPersist_ReachTheContracts()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { ctx.lb.pool('web', '10.0.0.1:80'); ctx.persist.universal('u1', 60000); });");

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Continue, r.Status);
        Assert.Equal(("web", "10.0.0.1:80"), (ctx.ChosenPool, ctx.ChosenMember));
        Assert.Equal("universal u1 60000", ctx.PersistenceChoice);
    }

    [Fact]
    public void Retry_InResponse_ReachesTheContract_WithAPoolChosenForIt()
    {
        var h = new RuleHarness("""
            when('HTTP_RESPONSE', ctx => {
              if (ctx.http.status === 503 && !ctx.req.retried) { ctx.req.retried = true; ctx.lb.pool('backup'); ctx.http.retry(); }
            });
            """);
        var (ctx, conn) = h.Open();
        ctx.Status = 503;
        ctx.ResponseList = new HeaderList();
        h.Set.Dispatch(conn, RuleEvent.HttpRequest);

        var first = h.Set.Dispatch(conn, RuleEvent.HttpResponse);
        ctx.RetryRequested = false;
        var second = h.Set.Dispatch(conn, RuleEvent.HttpResponse);

        Assert.Equal((RuleStatus.Continue, RuleStatus.Continue), (first.Status, second.Status));
        Assert.Equal("backup", ctx.ChosenPool);
        Assert.Equal(1, ctx.Retries); // ctx.req.retried survived into the second response
    }

    [Fact]
    public void Retry_OutsideResponseEvents_ThroughAHelper_ClearRuntimeError()
    {
        var h = new RuleHarness("""
            function again(c) { c.http.retry(); }
            when('HTTP_REQUEST', ctx => { again(ctx); });
            """);

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains("ctx.http.retry is not available in HTTP_REQUEST; it may be used in: HTTP_RESPONSE, HTTP_RESPONSE_DATA", r.Error!.Message, StringComparison.Ordinal);
        Assert.False(ctx.RetryRequested);
    }

    [Theory]
    [InlineData("ctx.http.respond(502, 'x'); ctx.http.retry();", "this request was already answered at line:column 2:")]
    [InlineData("ctx.http.retry(); ctx.http.respond(502, 'x');", "retry() was called for this response at line:column 2:")]
    public void RetryAndRespond_OnOneResponse_SecondIsRefusedNamingTheFirst(string body, string message)
    {
        var h = new RuleHarness("when('HTTP_RESPONSE', ctx => {\n  " + body + "\n});");
        var (ctx, conn) = h.Open();
        ctx.Status = 503;
        ctx.ResponseList = new HeaderList();
        h.Set.Dispatch(conn, RuleEvent.HttpRequest);

        var r = h.Set.Dispatch(conn, RuleEvent.HttpResponse);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains(message, r.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_PastTheBound_IsARuleError()
    {
        var h = new RuleHarness("when('HTTP_RESPONSE', ctx => { ctx.http.retry(); });");
        var (ctx, conn) = h.Open();
        ctx.Status = 503;
        ctx.ResponseList = new HeaderList();
        h.Set.Dispatch(conn, RuleEvent.HttpRequest);

        var results = Enumerable.Range(0, Fulcrum.Scripting.Compilation.RuleLimits.MaxRetries + 1).Select(_ => h.Set.Dispatch(conn, RuleEvent.HttpResponse)).ToList();

        Assert.All(results[..^1], r => Assert.Equal(RuleStatus.Continue, r.Status));
        Assert.Equal(RuleStatus.Error, results[^1].Status);
        Assert.Contains("already retried 4 times", results[^1].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LbHashKey_ReachesTheContract_NullGoesBackToTheClientAddress()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { ctx.lb.hashKey(ctx.http.path === '/none' ? null : 'tenant:' + ctx.http.header('x-tenant')); });");
        var sample = RuleHarness.Http("/");
        sample.Request!.Headers["x-tenant"] = System.Text.Json.JsonSerializer.SerializeToElement("blue");

        var (r, ctx, _) = h.Run(sample, RuleEvent.HttpRequest);
        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        Assert.Equal("tenant:blue", ctx.ChosenHashKey);

        var (r2, ctx2, _) = h.Run(RuleHarness.Http("/none"), RuleEvent.HttpRequest);
        Assert.Equal(RuleStatus.Continue, r2.Status);
        Assert.Null(ctx2.ChosenHashKey);
    }

    [Fact]
    public void LbHashKey_AfterThePick_IsRefusedAtSaveTime()
    {
        var diagnostics = Fulcrum.Scripting.Compilation.RuleCompiler.Check("when('HTTP_RESPONSE', ctx => { ctx.lb.hashKey('k'); });");

        Assert.Contains(diagnostics, d => d.Message.Contains("ctx.lb.hashKey is not available in HTTP_RESPONSE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("'10.1', 80", "is not an IPv4")]
    [InlineData("'[::1]', 80", "is not an IPv4")]
    [InlineData("'fe80::1%eth0', 80", "is not an IPv4")]
    [InlineData("'010.0.0.1', 80", "is not an IPv4")]
    [InlineData("'10.0.0.1', 0", "from 1 to 65535")]
    [InlineData("'10.0.0.1', 65536", "from 1 to 65535")]
    [InlineData("'10.0.0.1', 80.5", "from 1 to 65535")]
    public void LbMember_BadAddressOrPort_FailsTheEventWithAClearMessage(string args, string message)
    {
        var h = new RuleHarness($"when('HTTP_REQUEST', ctx => {{ ctx.lb.member({args}); }});");

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains(message, r.Error!.Message, StringComparison.Ordinal);
        Assert.Null(ctx.ChosenMember);
    }

    [Theory]
    [InlineData("10.0.0.1", 8080, "10.0.0.1:8080")]
    [InlineData("2001:db8::7", 443, "2001:db8::7:443")]
    public void LbMember_AddressOutsidePools_IsANode(string address, int port, string member)
    {
        var h = new RuleHarness($"when('HTTP_REQUEST', ctx => {{ ctx.lb.member('{address}', {port}); }});");

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Continue, r.Status);
        Assert.Equal((null, member), (ctx.ChosenPool, ctx.ChosenMember));
    }
}
