using Fulcrum.Scripting.Compilation;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Tests.Scripting;

/// <summary>Engine internals: compilation, dispatch order, pooling, statics, state isolation, statistics.</summary>
public sealed class EngineTests
{
    [Fact]
    public void Check_SyntaxError_ReportsLineAndColumn()
    {
        var d = Assert.Single(RuleCompiler.Check("when('HTTP_REQUEST', ctx => {\n  let x = ;\n});"));
        Assert.Equal(2, d.Line);
        Assert.Equal(11, d.Column);
    }

    [Theory]
    [InlineData("when('HTTP_REQUESTS', ctx => {});", "unknown event 'HTTP_REQUESTS'", 1, 6)]
    [InlineData("when('HTTP_REQUEST', ctx => {\n  ctx.foo();\n});", "ctx.foo does not exist", 2, 3)]
    [InlineData("when('HTTP_REQUEST', ctx => {\n  ctx.http.bodyy;\n});", "ctx.http.bodyy does not exist", 2, 3)]
    [InlineData("when('HTTP_REQUEST', ctx => {\n  const b = ctx.http.body;\n});", "ctx.http.body is not available in HTTP_REQUEST", 2, 13)]
    [InlineData("when('CLIENT_ACCEPTED', ctx => { ctx.http.respond(200, 'x'); });", "ctx.http is not available in CLIENT_ACCEPTED", 1, 34)]
    [InlineData("when('HTTP_RESPONSE', ctx => { ctx.http.uri = '/x'; });", "ctx.http.uri cannot be assigned in HTTP_RESPONSE", 1, 32)]
    [InlineData("let n = 0;\nwhen('HTTP_REQUEST', ctx => { n++; });", "top-level 'let'", 1, 1)]
    [InlineData("when('HTTP_REQUEST', ctx => { when('HTTP_RESPONSE', c => {}); });", "must be called at the top level", 1, 31)]
    [InlineData("limits({timeMs: 5000});\nwhen('HTTP_REQUEST', ctx => {});", "timeMs must be an integer from 1 to 1000", 1, 9)]
    [InlineData("when('RULE_INIT', ctx => {});", "RULE_INIT runs before any traffic", 1, 19)]
    [InlineData("when('HTTP_REQUEST', ctx => { ctx.http.retry(); });", "ctx.http.retry is not available in HTTP_REQUEST; it may be used in: HTTP_RESPONSE, HTTP_RESPONSE_DATA", 1, 31)]
    [InlineData("when('HTTP_RESPONSE_RELEASE', ctx => {\n  ctx.http.retry();\n});", "ctx.http.retry is not available in HTTP_RESPONSE_RELEASE", 2, 3)]
    public void Check_StaticRefusals_NameLineAndColumn(string source, string message, int line, int column)
    {
        var diagnostics = RuleCompiler.Check(source);
        var d = Assert.Single(diagnostics, x => x.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal((line, column), (d.Line, d.Column));
    }

    [Fact]
    public void Analyze_DataHandler_FitsOnlyVirtualsWithoutHttp_AndBenchHoldsAfterCollectWithoutArguments()
    {
        const string source = "when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(); });\nwhen('SERVER_DATA', ctx => { ctx.tcp.payload = '<' + ctx.tcp.payload + '>'; ctx.tcp.release(); ctx.tcp.collect(); });";
        var a = RuleCompiler.Analyze(source);

        Assert.True(a.Succeeded, string.Join("; ", a.Diagnostics));
        Assert.Null(a.CheckVirtual(hasHttpProfile: false));
        var d = a.CheckVirtual(hasHttpProfile: true);
        Assert.NotNull(d);
        Assert.Equal((2, 6), (d.Line, d.Column));
        var trace = Fulcrum.Scripting.Testing.RuleTestBench.Run("t", source, new Fulcrum.Scripting.Testing.RuleSample { ServerMessages = ["a", "b"] });
        Assert.Null(trace.Error);
        Assert.Equal("<a><b>", trace.ClientReceived);
    }

    [Fact]
    public void Bench_CollectTimedOut_ClientDataSeesTimedOut_OnlyDataEventsMayReadIt()
    {
        const string source = "when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(10, { timeoutMs: 200 }));\nwhen('CLIENT_DATA', ctx => { ctx.tcp.payload = ctx.tcp.timedOut + ':' + ctx.tcp.payload; ctx.tcp.release(); });";
        Assert.True(RuleCompiler.Analyze(source).Succeeded);

        var timedOut = Fulcrum.Scripting.Testing.RuleTestBench.Run("t", source, new Fulcrum.Scripting.Testing.RuleSample { Payload = "abc", TimedOut = true });
        var filled = Fulcrum.Scripting.Testing.RuleTestBench.Run("t", source, new Fulcrum.Scripting.Testing.RuleSample { Payload = "0123456789" });

        Assert.Null(timedOut.Error);
        Assert.Equal("true:abc", timedOut.Payload);
        Assert.Equal("false:0123456789", filled.Payload);
        var wrongPhase = RuleCompiler.Check("when('CLIENT_ACCEPTED', ctx => { if (ctx.tcp.timedOut) ctx.tcp.close(); });");
        Assert.Contains(wrongPhase, d => d.Message.Contains("ctx.tcp.timedOut is not available in CLIENT_ACCEPTED", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ timeoutMs: 0 }")]
    [InlineData("{ timeoutMs: 3600001 }")]
    [InlineData("{ timeoutMs: 1.5 }")]
    [InlineData("5")]
    public void Bench_CollectTimeoutMs_OutOfRange_IsARuleError(string options)
    {
        var trace = Fulcrum.Scripting.Testing.RuleTestBench.Run("t", $"when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(10, {options}));", new Fulcrum.Scripting.Testing.RuleSample { Payload = "abc" });

        Assert.NotNull(trace.Error);
        Assert.Contains("ctx.tcp.collect(bytes, {timeoutMs})", trace.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_ReleaseN_LetsOneFrameGoPerEvent_TheRestRunsAgain_TooManyBytesIsARangeError()
    {
        const string source = """
            when('SERVER_CONNECTED', ctx => ctx.tcp.collect(2));
            when('SERVER_DATA', ctx => {
              const p = ctx.tcp.payload, len = parseInt(p.slice(0, 2), 10);
              if (p.length < 2 + len) { ctx.tcp.collect(2 + len); return; }
              ctx.tcp.payload = '<' + p.slice(2, 2 + len) + '>' + p.slice(2 + len);
              ctx.tcp.release(len + 2);
              ctx.tcp.collect(2);
            });
            """;
        var trace = Fulcrum.Scripting.Testing.RuleTestBench.Run("t", source, new Fulcrum.Scripting.Testing.RuleSample { ServerMessages = ["03one03two02", "hi"] });
        Assert.Null(trace.Error);
        Assert.Equal("<one><two><hi>", trace.ClientReceived);

        var bad = Fulcrum.Scripting.Testing.RuleTestBench.Run("t", "when('SERVER_CONNECTED', ctx => ctx.tcp.collect(1));\nwhen('SERVER_DATA', ctx => ctx.tcp.release(5));",
            new Fulcrum.Scripting.Testing.RuleSample { ServerMessages = ["abc"] });
        Assert.NotNull(bad.Error);
        Assert.Contains("ctx.tcp.release(bytes): an integer from 0 to the 3 bytes held, not 5", bad.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_CollectsEventsPoolsDataGroupsAndHttpUse()
    {
        var a = RuleCompiler.Analyze("""
            when('CLIENT_ACCEPTED', ctx => { ctx.lb.pool('l4'); });
            when('HTTP_REQUEST', {priority: 100}, ctx => {
              if (dataGroup('blocked').startsWith(ctx.http.path)) ctx.lb.pool('web');
            });
            """);

        Assert.True(a.Succeeded, string.Join("; ", a.Diagnostics));
        Assert.Equal([RuleEvent.ClientAccepted, RuleEvent.HttpRequest], a.Events);
        Assert.Equal(["l4", "web"], a.Pools.Select(p => p.Name));
        Assert.Equal("blocked", Assert.Single(a.DataGroups).Name);
        Assert.NotNull(a.CheckVirtual(hasHttpProfile: false));
        Assert.Null(a.CheckVirtual(hasHttpProfile: true));
        var missing = a.CheckReferences(p => p == "web", _ => false);
        Assert.Equal(["pool 'l4' does not exist", "data group 'blocked' does not exist"], missing.Select(m => m.Message));
        Assert.Equal((1, 46), (missing[0].Line, missing[0].Column));
    }

    [Fact]
    public void Dispatch_RunsByPriorityThenRuleOrder_StopSkipsLaterHandlers()
    {
        var runtime = new RuleRuntime();
        var a = runtime.Compile("a", """
            when('HTTP_REQUEST', {priority: 600}, ctx => { ctx.http.addHeader('x-order', 'a600'); });
            when('HTTP_REQUEST', {priority: 100}, ctx => { ctx.http.addHeader('x-order', 'a100'); });
            """);
        var b = runtime.Compile("b", """
            when('HTTP_REQUEST', ctx => { ctx.http.addHeader('x-order', 'b500'); if (ctx.http.path === '/stop') ctx.event.stop(); });
            """);
        var set = runtime.CreateSet("v", [a, b], Fulcrum.Scripting.DataGroups.DataGroupIndex.Provider([]));

        var ctx1 = new Fulcrum.Scripting.Testing.SampleContext(RuleHarness.Http("/go"));
        var r1 = set.Dispatch(set.Open(ctx1), RuleEvent.HttpRequest);
        var ctx2 = new Fulcrum.Scripting.Testing.SampleContext(RuleHarness.Http("/stop"));
        var r2 = set.Dispatch(set.Open(ctx2), RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Continue, r1.Status);
        Assert.Equal(["a100", "b500", "a600"], ctx1.RequestHeaders.GetAll("x-order"));
        Assert.Equal(RuleStatus.Stopped, r2.Status);
        Assert.Equal(["a100", "b500"], ctx2.RequestHeaders.GetAll("x-order"));
    }

    [Fact]
    public void RuleInit_FillsStatics_FrozenAfterwards()
    {
        var h = new RuleHarness("""
            when('RULE_INIT', () => { statics.prefix = '/api/'; statics.n = 3; });
            when('HTTP_REQUEST', ctx => {
              ctx.http.setHeader('x-prefix', statics.prefix + statics.n);
              if (ctx.http.path === '/write') statics.prefix = 'changed';
            });
            """);

        var (ok, c1, _) = h.Run(RuleHarness.Http("/"), RuleEvent.HttpRequest);
        var (bad, _, _) = h.Run(RuleHarness.Http("/write"), RuleEvent.HttpRequest);
        var (again, c3, _) = h.Run(RuleHarness.Http("/"), RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Continue, ok.Status);
        Assert.Equal("/api/3", c1.RequestHeaders.Get("x-prefix"));
        Assert.Equal(RuleStatus.Error, bad.Status);
        Assert.Contains("read only", bad.Error!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/api/3", c3.RequestHeaders.Get("x-prefix"));
        Assert.Equal(RuleStatus.Continue, again.Status);
    }

    [Fact]
    public void GlobalWrites_Refused_NothingLeaksIntoTheNextEvent()
    {
        var h = new RuleHarness("""
            const cache = {};
            const seen = new Set();
            when('HTTP_REQUEST', ctx => {
              if (ctx.http.path === '/global') leaked = 1;
              if (ctx.http.path === '/this') globalThis.leaked = 1;
              if (ctx.http.path === '/const') cache.x = 1;
              if (ctx.http.path === '/set') seen.add('x');
              if (ctx.http.path === '/proto') Object.prototype.polluted = 1;
              ctx.http.setHeader('x-seen', String(typeof leaked) + ',' + String(cache.x) + ',' + seen.size + ',' + String(({}).polluted));
            });
            """);
        foreach (var path in new[] { "/global", "/this", "/const", "/set", "/proto" })
        {
            var (r, _, _) = h.Run(RuleHarness.Http(path), RuleEvent.HttpRequest);
            Assert.True(r.Status == RuleStatus.Error, path);
        }

        var (ok, ctx, _) = h.Run(RuleHarness.Http("/"), RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Continue, ok.Status);
        Assert.Equal("undefined,undefined,0,undefined", ctx.RequestHeaders.Get("x-seen"));
    }

    [Fact]
    public void Vars_SurviveEventsOfOneConnection_NotOthers()
    {
        var h = new RuleHarness("""
            when('CLIENT_ACCEPTED', ctx => { ctx.vars.count = (ctx.vars.count || 0) + 1; ctx.vars.list = [ctx.client.port]; });
            when('HTTP_REQUEST', ctx => { ctx.req.t = 5; ctx.http.setHeader('x-v', ctx.vars.count + ':' + (ctx.vars.list || [''])[0] + ':' + ctx.req.t); });
            when('HTTP_RESPONSE', ctx => { ctx.http.setHeader('x-req', String(ctx.req.t)); });
            """);
        var (ctx, conn) = h.Open();

        h.Set.Dispatch(conn, RuleEvent.ClientAccepted);
        h.Set.Dispatch(conn, RuleEvent.HttpRequest);
        ctx.ResponseList = new();
        h.Set.Dispatch(conn, RuleEvent.HttpResponse);
        var (_, other, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal("1:5555:5", ctx.RequestHeaders.Get("x-v"));
        Assert.Equal("5", ctx.ResponseList.Get("x-req"));
        Assert.Equal("undefined::5", other.RequestHeaders.Get("x-v"));
    }

    [Fact]
    public void Statistics_CountExecutionsFailuresAndAborts()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { if (ctx.http.path === '/throw') throw new Error('no'); if (ctx.http.path === '/loop') for (;;) {} });");

        h.Run(RuleHarness.Http("/"), RuleEvent.HttpRequest);
        h.Run(RuleHarness.Http("/throw"), RuleEvent.HttpRequest);
        h.Run(RuleHarness.Http("/loop"), RuleEvent.HttpRequest);

        var s = Assert.Single(h.Runtime.Statistics());
        Assert.Equal((3L, 2L, 1L), (s.Executions, s.Failures, s.Aborts));
        var e = Assert.Single(s.Events);
        Assert.Equal("HTTP_REQUEST", e.Event);
        Assert.True(e.MinMicros <= e.AvgMicros && e.AvgMicros <= e.MaxMicros);
    }
}
