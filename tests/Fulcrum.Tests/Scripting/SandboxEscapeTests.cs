using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Tests.Scripting;

/// <summary>
/// Tricks for reaching past the sandbox or leaving state behind for the next connection: each is tried on path
/// <c>/attack</c>, then a later connection on <c>/check</c> (likely the same pooled engine) looks for any trace of it.
/// </summary>
[Collection(nameof(ContainmentCollection))]
public sealed class SandboxEscapeTests
{
    public static TheoryData<string, string> Tricks() => new()
    {
        { "Symbol.for key on a host object", "ctx[Symbol.for('clr')] = 1;" },
        { "Symbol.toPrimitive on a host object", "ctx.client[Symbol.toPrimitive] = () => 'x';" },
        { "Proxy around ctx, set", "new Proxy(ctx, {}).http = 1;" },
        { "Proxy around ctx, defineProperty", "Object.defineProperty(new Proxy(ctx.lb, {}), 'pool', { value: 1 });" },
        { "Reflect.set on ctx", "if (!Reflect.set(ctx, 'http', 1)) throw new Error('refused');" },
        { "Reflect.defineProperty on ctx.client", "if (!Reflect.defineProperty(ctx.client, 'ip', { value: '1.1.1.1' })) throw new Error('refused');" },
        { "Reflect.setPrototypeOf on ctx", "if (!Reflect.setPrototypeOf(ctx, { polluted: 1 })) throw new Error('refused');" },
        { "delete on ctx", "delete ctx.http;" },
        { "getter taken off ctx", "const d = Object.getOwnPropertyDescriptor(ctx, 'http'); if (d.get) d.get.call({}); d.value.method = 'PUT';" },
        { "Error.prepareStackTrace", "Error.prepareStackTrace = (e, frames) => frames;" },
        { "Error.captureStackTrace", "Error.captureStackTrace = () => 1;" },
        { "__proto__ of Object.prototype", "Object.prototype.__proto__ = { polluted: 1 };" },
        { "__proto__ write through a literal", "({}).__proto__.polluted = 1;" },
        { "Array.prototype method replaced", "Array.prototype.push = function () { return 0; };" },
        { "String.prototype write", "String.prototype.polluted = 1;" },
        { "Function.prototype write", "Function.prototype.call = function () { return 'hijacked'; };" },
        { "Symbol.prototype write", "Object.defineProperty(Symbol.prototype, 'polluted', { value: 1 });" },
        { "globalThis write", "globalThis.polluted = 1;" },
        { "implicit global", "polluted = 1;" },
        { "globalThis builtin replaced", "globalThis.JSON = { stringify: () => 'hijacked' };" },
        { "Object.setPrototypeOf(globalThis)", "Object.setPrototypeOf(globalThis, { polluted: 1 });" },
        { "WeakRef", "new WeakRef({});" },
        { "FinalizationRegistry", "new FinalizationRegistry(() => {});" },
        { "Atomics", "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);" },
        { "SharedArrayBuffer", "new SharedArrayBuffer(8);" },
        { "structuredClone", "structuredClone({});" },
        { "queueMicrotask", "queueMicrotask(() => {});" },
        { "Intl write", "Intl.polluted = 1;" },
        { "Intl prototype write", "Intl.NumberFormat.prototype.format = () => 'hijacked';" },
        { "a promise job left for the next connection", "Promise.resolve().then(() => { globalThis.polluted = 1; });" },
        { "an endless promise job", "Promise.resolve().then(() => { for (;;) {} });" },
        { "an endless async continuation", "(async () => { await 0; for (;;) {} })();" },
        { "generator function constructor", "(function* () {}).constructor('return this')();" },
        { "async generator function constructor", "(async function* () {}).constructor('return this')();" },
        { "RegExp legacy statics", "RegExp.$1 = 'x'; RegExp.lastMatch;" },
        { "Date.prototype write", "Date.prototype.getTime = () => 0;" },
        { "arguments.callee", "(function () { return arguments.callee; })();" },
        { "caller chain", "(function f() { return f.caller; })();" },
    };

    private const string Rule = """
        when('HTTP_REQUEST', ctx => {
          if (ctx.http.path === '/attack') {
            __ATTACK__
            return;
          }
          const seen = [];
          if (({}).polluted !== undefined || [].polluted !== undefined || ''.polluted !== undefined) seen.push('prototype');
          if (typeof polluted !== 'undefined' || 'polluted' in globalThis) seen.push('global');
          if (JSON.stringify({ a: 1 }) !== '{"a":1}') seen.push('JSON');
          const a = []; a.push(1);
          if (a.length !== 1) seen.push('push');
          if (Math.max.call(null, 1, 2) !== 2) seen.push('call');
          if (new Date(5).getTime() !== 5) seen.push('Date');
          if (new Intl.NumberFormat('en').format(1) !== '1') seen.push('Intl');
          if (ctx.client.ip !== '10.1.2.3' || typeof ctx.http.setHeader !== 'function' || Object.getPrototypeOf(ctx) !== Object.prototype) seen.push('ctx');
          for (const name of ['WeakRef', 'FinalizationRegistry', 'Atomics', 'SharedArrayBuffer', 'structuredClone', 'queueMicrotask', 'importNamespace', 'System']) {
            if (typeof globalThis[name] !== 'undefined') seen.push(name);
          }
          const stack = new Error('x').stack + String(ctx.http.header) + Object.prototype.toString.call(ctx);
          if (/System\.|Fulcrum|\.cs\b|Jint/.test(stack)) seen.push('CLR names: ' + stack);
          ctx.http.setHeader('x-seen', seen.join(',') || 'nothing');
        });
        """;

    [Theory]
    [MemberData(nameof(Tricks))]
    public void Trick_ReachesNothing_LeavesNothingForTheNextConnection(string name, string body)
    {
        var h = new RuleHarness(Rule.Replace("__ATTACK__", body, StringComparison.Ordinal));

        var (attack, _, _) = h.Run(RuleHarness.Http("/attack"), RuleEvent.HttpRequest);
        var checks = Enumerable.Range(0, 3).Select(_ => h.Run(RuleHarness.Http("/check"), RuleEvent.HttpRequest)).ToList();

        Assert.True(attack.Status is RuleStatus.Continue or RuleStatus.Error, $"{name}: {attack.Status}");
        Assert.True(attack.Error is null || !attack.Error.Message.Contains("System.", StringComparison.Ordinal), $"{name}: {attack.Error}");
        Assert.All(checks, c => Assert.True(c.Result.Status == RuleStatus.Continue, $"{name}: the next connection failed: {c.Result.Error}"));
        Assert.All(checks, c => Assert.Equal("nothing", c.Context.RequestHeaders.Get("x-seen")));
    }

    [Fact]
    public void EndlessPromiseJob_FailsTheEventThatQueuedIt()
    {
        var h = new RuleHarness("when('HTTP_REQUEST', ctx => { Promise.resolve().then(() => { for (;;) {} }); ctx.http.setHeader('x-queued', '1'); });");

        var (r, _, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.Equal(RuleStatus.Error, r.Status);
        Assert.True(r.Error!.Kind is RuleErrorKind.Time or RuleErrorKind.Statements, r.Error.ToString());
    }

    [Fact]
    public void PromiseContinuations_RunWithinTheirOwnEvent()
    {
        var h = new RuleHarness("""
            when('HTTP_REQUEST', ctx => {
              Promise.resolve('later').then(v => ctx.http.setHeader('x-then', v));
              (async () => { await null; ctx.http.setHeader('x-await', 'done'); })();
            });
            """);

        var (r, ctx, _) = h.Run(null, RuleEvent.HttpRequest);

        Assert.True(r.Status == RuleStatus.Continue, r.Error?.ToString());
        Assert.Equal("later", ctx.RequestHeaders.Get("x-then"));
        Assert.Equal("done", ctx.RequestHeaders.Get("x-await"));
    }
}
