using System.Diagnostics;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Tests.Scripting;

/// <summary>Hostile rules run sequentially (memory-heavy cases stay bounded) in this one collection.</summary>
[CollectionDefinition(nameof(ContainmentCollection), DisableParallelization = true)]
public sealed class ContainmentCollection;

/// <summary>
/// Containment: each hostile handler gets an error status for its own dispatch, while 100 concurrent dispatches of a
/// good rule on other connections see no error, and the process stays up.
/// </summary>
[Collection(nameof(ContainmentCollection))]
public sealed class ContainmentTests
{
    public static TheoryData<string, string> Hostile() => new()
    {
        { "infinite loop", "for (;;) {}" },
        { "deep recursion", "const f = (n) => f(n + 1) + 1; f(0);" },
        { "recursion through toString", "const o = { toString() { return '' + o; } }; '' + o;" },
        { "recursion through getter", "const o = { get x() { return this.x; } }; o.x;" },
        { "1 GB string by doubling", "let s = 'x'; for (let i = 0; i < 40; i++) s = s + s; ctx.vars.s = s.length;" },
        { "repeat 2e8", "'x'.repeat(2e8);" },
        { "padEnd 1e9", "''.padEnd(1e9, 'x');" },
        { "ArrayBuffer 2e9", "new ArrayBuffer(2e9);" },
        { "typed array", "new Uint8Array(1.5e9);" },
        { "SharedArrayBuffer", "new SharedArrayBuffer(1e9);" },
        { "growing array", "const a = []; for (;;) a.push('xxxxxxxx');" },
        { "array fill", "new Array(2e9).fill(1);" },
        { "join of a shared string", "const s = 'x'.repeat(1e6); new Array(1e5).fill(s).join('');" },
        { "join with a long separator", "new Array(1e5).join('y'.repeat(1e5));" },
        { "replaceAll blow-up", "const s = 'x'.repeat(1e5); s.replaceAll('x', s);" },
        { "replace with a function", "const s = 'x'.repeat(1e6); 'y'.repeat(1e4).replace(/y/g, () => s);" },
        { "JSON of a self-sharing nested array", "let a = []; for (let i = 0; i < 40; i++) a = [a, a]; JSON.stringify(a);" },
        { "flat of a self-sharing nested array", "let a = [1]; for (let i = 0; i < 40; i++) a = [a, a]; a.flat(Infinity);" },
        { "split into a huge array", "'x'.repeat(4e6).split('');" },
        { "catastrophic regex", "/(a+)+$/.test('a'.repeat(40) + 'b');" },
        { "throwing handler", "throw new Error('boom');" },
        { "eval", "eval('1 + 1');" },
        { "indirect eval", "(0, globalThis['ev' + 'al'])('1');" },
        { "Function constructor", "Function('return 1')();" },
        { "constructor of a function", "(() => 1).constructor('return this')();" },
        { "async function constructor", "(async function () {}).constructor('return 1');" },
        { "ShadowRealm", "new ShadowRealm().evaluate('1');" },
        { "write to host object", "ctx['http'] = null;" },
        { "write to a host member", "ctx.client['ip'] = '1.1.1.1';" },
        { "define on host object", "Object.defineProperty(ctx.lb, 'pool', { value: 1 });" },
        { "CLR reach: importNamespace", "importNamespace('System.IO');" },
        { "CLR reach: System", "System.IO.File.ReadAllText('/etc/passwd');" },
        { "CLR reach: clrType", "ctx.constructor.constructor('return this')();" },
        { "CLR reach: GetType", "ctx.client['GetType']().Assembly;" },
        { "CLR reach: require", "require('fs');" },
        { "CLR reach: process", "process.exit(1);" },
        { "timers", "setTimeout(() => {}, 1);" },
        { "second respond", "ctx.http.respond(200, 'a'); ctx.http.respond(201, 'b');" },
        { "spread of a Proxy of a String object", "({ ...new Proxy(new String('x'.repeat(4e6)), {}) });" },
    };

    // The default limits: time is CPU time, so 100 busy threads stretching wall-clock time do not fail a cheap handler.
    private const string Good = """
        when('HTTP_REQUEST', ctx => {
          if (ctx.http.path.startsWith('/api/')) ctx.lb.pool('api');
          ctx.http.setHeader('x-client', ctx.client.ip);
        });
        """;

    /// <summary>Every way we know to make a string of 2^30 characters (or one too big for the process) in one dispatch.</summary>
    public static TheoryData<string, string> HugeStrings() => new()
    {
        { "repeat 2^30", "'x'.repeat(2 ** 30);" },
        { "padEnd 2^30", "''.padEnd(2 ** 30, 'x');" },
        { "padStart 2^30", "''.padStart(2 ** 30, 'xy');" },
        { "join of Array(2^30 + 1)", "Array(2 ** 30 + 1).join('x');" },
        { "fill and join", "new Array(2 ** 30).fill('x').join('');" },
        { "join of a million 4M strings", "const s = 'x'.repeat(4e6); new Array(1e6).fill(s).join('');" },
        { "fromCharCode.apply of a 2^30 array-like", "String.fromCharCode.apply(null, { length: 2 ** 30 });" },
        { "fromCharCode.apply of a 2^30 array", "String.fromCharCode.apply(null, new Array(2 ** 30).fill(120));" },
        { "template doubling", "let s = 'x'; for (let i = 0; i < 31; i++) s = `${s}${s}`;" },
        { "concat doubling", "let s = 'x'; for (let i = 0; i < 31; i++) s = s.concat(s);" },
        { "+= doubling", "let s = 'x'; for (let i = 0; i < 31; i++) s += s;" },
        { "JSON of a big string array", "JSON.stringify(new Array(1e6).fill('x'.repeat(1e4)));" },
        { "JSON of escapes", "JSON.stringify('\u0001'.repeat(4e6));" },
        { "encodeURIComponent growth", "const s = '\u00ff'.repeat(4e6); encodeURIComponent(encodeURIComponent(encodeURIComponent(s)));" },
        { "encodeURI growth", "const s = '\u0800'.repeat(4e6); encodeURI(encodeURI(encodeURI(s)));" },
        { "escape growth", "const s = '\u0100'.repeat(4e6); escape(escape(escape(s)));" },
        { "replaceAll growth", "'x'.repeat(4e6).replaceAll('x', 'x'.repeat(300));" },
        { "replace with $& growth", "'x'.repeat(1e6).replace(/x/g, '$&'.repeat(300));" },
        { "RegExp Symbol.replace called directly", "const s = 'x'.repeat(1e6); RegExp.prototype[Symbol.replace].call(/x/g, s, s);" },
        { "normalize NFKD", "'\ufdfa'.repeat(4e6).normalize('NFKD');" },
        { "String.raw of a big array", "const s = 'x'.repeat(4e6); String.raw({ raw: new Array(1e6).fill(s) });" },
        { "String.raw of a 2^30 array-like", "String.raw({ raw: { length: 2 ** 30 } });" },
        { "String.raw substitutions", "const s = 'x'.repeat(4e6); String.raw({ raw: new Array(1e5 + 1).fill('') }, ...new Array(1e5).fill(s));" },
        { "Object.keys of a long string", "Object.keys('x'.repeat(4e6));" },
        { "getOwnPropertyDescriptors of a long string", "Object.getOwnPropertyDescriptors('x'.repeat(4e6));" },
        { "Intl.ListFormat of big strings", "const s = 'x'.repeat(4e6); new Intl.ListFormat('en').format(new Array(1e6).fill(s));" },
        { "Array toString of a self-sharing tree", "let a = ['x'.repeat(1000)]; for (let i = 0; i < 30; i++) a = [a, a]; String(a);" },
        { "a thrown huge message", "const s = 'x'.repeat(4e6); throw new RangeError(s + s);" },
    };

    [Theory]
    [MemberData(nameof(HugeStrings))]
    public async Task HugeString_FailsOnlyItsDispatch_WithAClearLimitError(string name, string body)
    {
        var (error, _) = await RunHostile(name, body);

        var limit = error.Kind is RuleErrorKind.Memory or RuleErrorKind.Time or RuleErrorKind.Statements
            || error.Message.Contains("at most", StringComparison.Ordinal) || error.Message.Contains("more than", StringComparison.Ordinal)
            || error.Message.Contains("characters)", StringComparison.Ordinal);
        Assert.True(limit, $"{name}: {error.Kind} {error.Message}");
        Assert.True(error.Message.Length < 1100, $"{name}: a message of {error.Message.Length} characters");
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileHandler_ErrorForItsDispatchOnly_OthersUnaffected(string name, string body) => await RunHostile(name, body);

    /// <summary>
    /// Syntax that makes one property key per character or element inside one statement, past Jint's memory check
    /// (between statements): each must be refused before it allocates. Before the check, the string ones made
    /// 300–900 MB of keys at the default limits (and many GB at memoryMb 256), the last ones 200 MB to 1.7 GB.
    /// </summary>
    public static TheoryData<string, string, string> KeyMakers() => new()
    {
        { "for-in over a long string", "", "const s = 'x'.repeat(4e6); let n = 0; for (const k in s) n++;" },
        { "for-in as the last statement", "", "const s = 'x'.repeat(4e6); for (const k in s) break;" },
        { "for-in over a String object in a prototype", "", "const o = Object.create(new String('x'.repeat(4e6))); for (const k in o) break;" },
        { "for-in over a big array", "", "const a = new Array(3e5).fill(0); a.x = 1; for (const k in a) break;" },
        { "object spread of a long string", "", "const s = 'x'.repeat(4e6); const o = { ...s }; ctx.vars.n = Object.keys(o).length;" },
        { "object spread as the last statement", "", "const s = 'x'.repeat(4e6); ({ ...s });" },
        { "object spread of a String object", "", "const s = new String('x'.repeat(4e6)); ({ a: 1, ...s });" },
        { "object spread of a big array", "", "const a = new Array(2e5).fill(0); ({ ...a });" },
        { "object rest of a long string", "", "const s = 'x'.repeat(4e6); const { ...r } = s;" },
        { "object rest in an assignment", "", "const s = 'x'.repeat(4e6); let r; ({ ...r } = s);" },
        { "Object.assign of a big array", "", "Object.assign({}, new Array(2e5).fill(0));" },
        { "Object.getOwnPropertyDescriptors of a big array", "", "Object.getOwnPropertyDescriptors(new Array(1e5).fill(0));" },
        { "Object.entries of a big array", "", "Object.entries(new Array(2e5).fill(0));" },
        { "Object.defineProperties with a long string", "", "Object.defineProperties({}, 'x'.repeat(4e6));" },
        { "Object.create with a long string", "", "Object.create(null, 'x'.repeat(4e6));" },
        { "Object.freeze of a String object", "", "Object.freeze(new String('x'.repeat(4e6)));" },
        { "Object.seal of a big array", "", "Object.seal(new Array(2e5).fill(0));" },
        { "getOwnPropertySymbols of a String object", "", "Object.getOwnPropertySymbols(new String('x'.repeat(4e6)));" },
        { "for-in over 64 M characters at memoryMb 256", "limits({memoryMb: 256, timeMs: 1000});", "const s = 'x'.repeat(2 ** 26); for (const k in s) break;" },
        { "object spread of 64 M characters at memoryMb 256", "limits({memoryMb: 256, timeMs: 1000});", "const s = 'x'.repeat(2 ** 26); ({ ...s });" },
    };

    [Theory]
    [MemberData(nameof(KeyMakers))]
    public async Task KeyMakingSyntax_RefusedBeforeItAllocates_OthersUnaffected(string name, string limits, string body)
    {
        // The key check is under test, not the time limit: at the default 20 ms of CPU a loaded machine spent the whole
        // budget filling the operand (3e5 elements) and the dispatch ended with a time error before the check ran.
        var bigMemory = !string.IsNullOrEmpty(limits);
        var (error, allocated) = await RunHostile(name, body, bigMemory ? limits : "limits({timeMs: 1000});");

        Assert.Equal(RuleErrorKind.Exception, error.Kind);
        Assert.Matches(@"memory limit of \d+ MB allows at most \d+", error.Message);
        Assert.Equal(3, error.Line);
        // What the handler's thread allocated: its own strings and arrays (8 MB; 128 MB for the 2^26 characters), no keys.
        var bound = bigMemory ? 256L << 20 : 64L << 20;
        Assert.True(allocated < bound, $"{name}: the dispatch allocated {allocated >> 20} MB");
    }

    [Fact]
    public void KeyMakingSyntax_UnderTheCap_WorksAsInJavaScript()
    {
        var h = new RuleHarness("""
            when('HTTP_REQUEST', ctx => {
              const seen = [];
              for (const k in 'abc') seen.push(k);
              for (const k in Object.create({ inherited: 1 })) seen.push(k);
              for (const k in [7, 8]) seen.push(k);
              const o = { ...'xy', ...[1], ...{ z: 2 }, ...null, ...undefined, ...7 };
              const { z, ...rest } = o;
              let r2;
              ({ 0: r2, ...r2 } = { 0: 'a', b: 'c' });
              const assigned = Object.assign({}, 'pq', [9]);
              (function () { for (const k in arguments) seen.push('arg' + k); })(5, 6);
              ctx.http.setHeader('x-seen', seen.join(','));
              ctx.http.setHeader('x-spread', JSON.stringify([o, z, rest, r2, assigned, Object.keys('hello'), Object.entries([4])]));
            });
            """);

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        Assert.Equal("0,1,2,inherited,0,1,arg0,arg1", ctx.RequestHeaders.Get("x-seen"));
        Assert.Equal("""[{"0":1,"1":"y","z":2},2,{"0":1,"1":"y"},{"b":"c"},{"0":9,"1":"q"},["0","1","2","3","4"],[["0",4]]]""", ctx.RequestHeaders.Get("x-spread"));
    }

    [Fact]
    public void KeyMakingSyntax_Refused_PointsAtItsOperand()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => {\n  const s = 'x'.repeat(4e6);\n  const o = { a: 1, ...s };\n});");

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Equal(3, r.Error!.Line);
        Assert.Equal("  const o = { a: 1, ...s };".IndexOf("...s", StringComparison.Ordinal) + 4, r.Error.Column);
        Assert.Contains("copying the properties of a string of 4000000 characters", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyMakingSyntax_CaughtByTheRule_TheHandlerGoesOn()
    {
        var h = new RuleHarness("""
            when('HTTP_REQUEST', ctx => {
              const s = 'x'.repeat(4e6);
              try { for (const k in s) break; } catch (e) { ctx.http.setHeader('x-error', e.name); }
              ctx.lb.pool('api');
            });
            """);

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        Assert.Equal("RangeError", ctx.RequestHeaders.Get("x-error"));
        Assert.Equal("api", ctx.ChosenPool);
    }

    [Fact]
    public void KeyGuards_CannotBeReplacedByTheRule()
    {
        var h = new RuleHarness("""
            try { Object.defineProperty(globalThis, '%copyKeys', { value: (x) => x }); } catch (e) {}
            try { globalThis['%forInKeys'] = (x) => x; } catch (e) {}
            when('HTTP_REQUEST', ctx => {
              const s = 'x'.repeat(4e6);
              ({ ...s });
            });
            """);

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains("allows at most", r.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyMakingSyntax_AtTheTopLevel_RefusedWhenTheRuleLoads()
    {
        var e = Assert.Throws<RuleCompileException>(() => new RuleRuntime().Compile("r", "const big = { ...'x'.repeat(4e6) };\nwhen('HTTP_REQUEST', ctx => {});"));

        Assert.Contains("allows at most", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("const big = new String('x'.repeat(4e6));")]
    [InlineData("const table = new Array(2e5).fill(0);")]
    [InlineData("const parts = [new Array(1e5).fill(0), new Array(1e5).fill(1)];")]
    [InlineData("when('RULE_INIT', () => { statics.table = new Array(2e5).fill(0); });")]
    public void TopLevelValuesTooBigToFreeze_RefusedWhenTheRuleLoads(string topLevel)
    {
        // Every engine freezes them when it loads the rule, a property per element, outside any limit (1.1 GB for the string).
        var e = Assert.Throws<RuleCompileException>(() => new RuleRuntime().Compile("r", topLevel + "\nwhen('HTTP_REQUEST', ctx => {});"));

        Assert.Contains("freezing them in every engine would make a property for each, and the memory limit of 16 MB allows at most 131072", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopLevelTable_UnderTheCap_LoadsFrozen()
    {
        var h = new RuleHarness("""
            const table = new Array(1e5).fill(0);
            when('HTTP_REQUEST', ctx => { ctx.http.setHeader('x-frozen', String(Object.isFrozen(table)) + table.length); });
            """);

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        Assert.Equal("true100000", ctx.RequestHeaders.Get("x-frozen"));
    }

    [Theory]
    [InlineData("const f = ({ ...r }) => r;")]
    [InlineData("const { a: { ...r } } = { a: {} };")]
    [InlineData("for (const { ...r } of [{}]) {}")]
    [InlineData("try { throw {}; } catch ({ ...r }) {}")]
    [InlineData("function g(x, [{ ...r }]) {}")]
    public void ObjectRest_WhereItsOperandCannotBeChecked_RefusedAtSave(string body)
    {
        var e = Assert.Throws<RuleCompileException>(() => new RuleRuntime().Compile("r", $"when('HTTP_REQUEST', ctx => {{\n  {body}\n}});"));

        Assert.Equal(1, e.Diagnostics.Count(d => d.Message.StartsWith("object rest (...name) is allowed only", StringComparison.Ordinal) && d.Line == 2));
    }

    /// <summary>
    /// Runs <paramref name="body"/> as an HTTP_REQUEST handler beside 100 good dispatches; its error, and what the
    /// hostile dispatch allocated on its thread (transient garbage included: what a key blow-up would show).
    /// </summary>
    private static async Task<(RuleError Error, long Allocated)> RunHostile(string name, string body, string limits = "")
    {
        var runtime = new RuleRuntime();
        var bad = runtime.Compile("bad", string.IsNullOrEmpty(limits) ? $$"""
            when('HTTP_REQUEST', ctx => {
              {{body}}
            });
            """ : $$"""
            {{limits}}
            when('HTTP_REQUEST', ctx => {
              {{body}}
            });
            """);
        var good = runtime.Compile("good", Good);
        var badSet = runtime.CreateSet("vs-bad", [bad], Fulcrum.Scripting.DataGroups.DataGroupIndex.Provider([]));
        var goodSet = runtime.CreateSet("vs-good", [good], Fulcrum.Scripting.DataGroups.DataGroupIndex.Provider([]));
        var goodErrors = 0;
        string? firstGoodError = null;
        var sw = Stopwatch.StartNew();
        var badTask = Task.Factory.StartNew(() =>
        {
            var conn = badSet.Open(new Fulcrum.Scripting.Testing.SampleContext(RuleHarness.Http("/x")));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var r = badSet.Dispatch(conn, RuleEvent.HttpRequest);
            return (Result: r, Allocated: GC.GetAllocatedBytesForCurrentThread() - before);
        }, TaskCreationOptions.LongRunning);
        var goodTask = Task.Factory.StartNew(() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var ctx = new Fulcrum.Scripting.Testing.SampleContext(RuleHarness.Http($"/api/{i}"));
            var r = goodSet.Dispatch(goodSet.Open(ctx), RuleEvent.HttpRequest);
            if (r.Status != RuleStatus.Continue || ctx.ChosenPool != "api" || ctx.RequestHeaders.Get("x-client") != "10.1.2.3")
            {
                Interlocked.Increment(ref goodErrors);
                firstGoodError ??= r.Error?.ToString() ?? r.Status.ToString();
            }
        }), TaskCreationOptions.LongRunning);
        var (result, allocated) = await badTask;
        sw.Stop();
        await goodTask;

        Assert.True(result.Status == RuleStatus.Error, $"{name}: {result.Status}");
        Assert.Equal("bad", result.Error!.Rule);
        Assert.Equal("HTTP_REQUEST", result.Error.Event);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"{name} took {sw.Elapsed}");
        Assert.True(goodErrors == 0, $"{goodErrors} good dispatches failed, first: {firstGoodError}");
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) < 1L << 30);
        return (result.Error, allocated);
    }

    [Theory]
    [InlineData("ctx.http = null;", "ctx.http cannot be assigned")]
    [InlineData("ctx.client.ip = '1.1.1.1';", "ctx.client.ip cannot be assigned")]
    [InlineData("ctx.client.GetType();", "ctx.client.GetType does not exist")]
    public void HostWrites_SeenInTheSource_RefusedAtSave(string body, string message)
    {
        var e = Assert.Throws<RuleCompileException>(() => new RuleRuntime().Compile("r", $"when('HTTP_REQUEST', ctx => {{ {body} }});"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeError_HasLineAndColumnOfTheFault()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => {\n  const x = null;\n  x.y = 1;\n});");

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Equal(3, r.Error!.Line);
        Assert.Equal(RuleErrorKind.Exception, r.Error.Kind);
    }

    [Fact]
    public void LimitAbort_NamesKindAndLine()
    {
        var h = new RuleHarness("limits({timeMs: 5});\nwhen('HTTP_REQUEST', ctx => {\n  let i = 0;\n  while (true) { i++; }\n});");

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleErrorKind.Time, r.Error!.Kind);
        Assert.Contains("5 ms", r.Error.Message, StringComparison.Ordinal);
        Assert.Equal(4, r.Error.Line);
    }

    [Fact]
    public void SecondRespond_NamesBothCallSites()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => {\n  ctx.http.respond(403, 'no');\n  ctx.http.redirect('/x');\n});");

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.Contains("2:3", r.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("3:3", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostObjects_ExposeNoClrMembers()
    {
        var h = new RuleHarness("""
            when('HTTP_REQUEST', ctx => {
              const seen = [];
              for (const k in ctx) seen.push(k);
              ctx.http.setHeader('x-keys', seen.join(','));
              ctx.http.setHeader('x-proto', String(Object.getPrototypeOf(ctx)));
              ctx.http.setHeader('x-gettype', typeof ctx['GetType'] + typeof ctx.http['ToString'] + typeof ctx.constructor);
            });
            """);

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        Assert.Equal("[object Object]", ctx.RequestHeaders.Get("x-proto"));
        Assert.Equal("undefinedundefinedundefined", ctx.RequestHeaders.Get("x-gettype"));
        Assert.DoesNotContain("System", ctx.RequestHeaders.Get("x-keys"), StringComparison.Ordinal);
    }
}
