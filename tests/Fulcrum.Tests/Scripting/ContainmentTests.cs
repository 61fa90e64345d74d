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
        var error = await RunHostile(name, body);

        var limit = error.Kind is RuleErrorKind.Memory or RuleErrorKind.Time or RuleErrorKind.Statements
            || error.Message.Contains("at most", StringComparison.Ordinal) || error.Message.Contains("more than", StringComparison.Ordinal)
            || error.Message.Contains("characters)", StringComparison.Ordinal);
        Assert.True(limit, $"{name}: {error.Kind} {error.Message}");
        Assert.True(error.Message.Length < 1100, $"{name}: a message of {error.Message.Length} characters");
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileHandler_ErrorForItsDispatchOnly_OthersUnaffected(string name, string body) => await RunHostile(name, body);

    /// <summary>Runs <paramref name="body"/> as an HTTP_REQUEST handler beside 100 good dispatches; its error.</summary>
    private static async Task<RuleError> RunHostile(string name, string body)
    {
        var runtime = new RuleRuntime();
        var bad = runtime.Compile("bad", $$"""
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
        var badTask = Task.Factory.StartNew(() => badSet.Dispatch(badSet.Open(new Fulcrum.Scripting.Testing.SampleContext(RuleHarness.Http("/x"))), RuleEvent.HttpRequest), TaskCreationOptions.LongRunning);
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
        var result = await badTask;
        sw.Stop();
        await goodTask;

        Assert.True(result.Status == RuleStatus.Error, $"{name}: {result.Status}");
        Assert.Equal("bad", result.Error!.Rule);
        Assert.Equal("HTTP_REQUEST", result.Error.Event);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"{name} took {sw.Elapsed}");
        Assert.True(goodErrors == 0, $"{goodErrors} good dispatches failed, first: {firstGoodError}");
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) < 1L << 30);
        return result.Error;
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
