using System.Diagnostics;
using System.Text.RegularExpressions;
using Fulcrum.Scripting.Compilation;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Host;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// One Jint engine loaded with one rule version: sandboxed, the rule's handlers registered, everything reachable
/// from the global object frozen, and the <c>ctx</c> host objects built once. It serves one event at a time; the
/// connection being dispatched is swapped underneath the host objects for each call.
/// </summary>
internal sealed partial class RuleEngine : IDisposable
{
    private static readonly TimeSpan LoadBudget = TimeSpan.FromSeconds(2);
    private const int MaxMessageChars = 1000;

    private static readonly Regex FrameLocation = new(@"\brule:(\d+):(\d+)", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private readonly List<(RuleEvent Event, int Priority, JsValue Fn)> _registered = [];
    private readonly JsValue[] _ctxArgs;
    private readonly JsValue _rangeError;
    private readonly JsValue _jsonParse;
    private readonly JsValue _jsonStringify;
    private readonly JsValue _freeze;
    private readonly CpuDeadline _deadline = new(LoadBudget);
    private readonly StatementBudget _statements;
    private readonly KeyGuard _keys;
    private bool _loading;
    private RuleConnection? _conn;
    private RuleSet? _set;
    private RuleEvent _event;

    /// <param name="statics">The JSON of <c>statics</c> made by RULE_INIT, or null for the engine that runs RULE_INIT.</param>
    public RuleEngine(RuleProgram program, string? statics)
    {
        Program = program;
        var limits = program.Limits;
        _statements = new StatementBudget(limits.Statements);
        Js = new Engine(o =>
        {
            o.Strict = true;
            o.DisableStringCompilation();
            o.Interop.Enabled = false;
            o.Interop.AllowGetType = false;
            o.Interop.AllowSystemReflection = false;
            o.Constraints.Constraints.Add(_deadline);
            o.Constraints.Constraints.Add(_statements);
            o.LimitMemory((long)limits.MemoryMb << 20);
            if (limits.Recursion > 0)
            {
                // A hard depth limit costs 150-500 ns per call (JINT-NOTES); by default the stack guard and the time limit bound recursion.
                o.LimitRecursion(limits.Recursion);
            }
            o.Constraints.StackOverflowGuard = true;
            // .NET's regex timeout is wall clock, per match; it stops catastrophic backtracking, which no statement check sees.
            o.Constraints.RegexTimeout = TimeSpan.FromMilliseconds(limits.TimeMs);
            o.Constraints.MaxArraySize = limits.MaxArrayLength;
        });
        var global = Js.Global;
        _rangeError = global.Get("RangeError");
        var json = (ObjectInstance)global.Get("JSON");
        _jsonParse = json.Get("parse");
        _freeze = global.Get("Object").Get("freeze");
        foreach (var name in Prelude.RemovedGlobals)
        {
            global.RemoveOwnProperty(name);
        }
        var budget = new OutputBudget(this, limits.MaxStringChars, limits.MaxArrayLength);
        var budgetObject = new JsObject(Js);
        budgetObject.FastSetDataProperty("join", new ClrFunction(Js, "join", budget.Join));
        budgetObject.FastSetDataProperty("json", new ClrFunction(Js, "json", budget.Json));
        budgetObject.FastSetDataProperty("encoded", new ClrFunction(Js, "encoded", budget.Encoded));
        budgetObject.FastSetDataProperty("raw", new ClrFunction(Js, "raw", budget.Raw));
        var keys = _keys = new KeyGuard(this, limits.MemoryMb);
        budgetObject.FastSetDataProperty("keys", new ClrFunction(Js, "keys", keys.Listing));
        Js.Call(Js.Evaluate(Prelude.Script), JsValue.Undefined, [limits.MaxStringChars, (double)limits.MaxArrayLength, budgetObject]);
        // Called by the compiler's rewrite of for-in and object spread/rest; fixed before the rule's top level runs.
        global.DefineOwnProperty(KeyGuardRewriter.ForInGuard, new PropertyDescriptor(new ClrFunction(Js, "forIn", keys.ForIn), writable: false, enumerable: false, configurable: false));
        global.DefineOwnProperty(KeyGuardRewriter.CopyGuard, new PropertyDescriptor(new ClrFunction(Js, "copy", keys.Copy), writable: false, enumerable: false, configurable: false));
        _jsonStringify = json.Get("stringify");

        InstallGlobals(statics);
        _ctxArgs = [BuildCtx()];

        _loading = true;
        try
        {
            Js.Execute(program.Prepared);
        }
        finally
        {
            _loading = false;
        }
        if (statics is not null)
        {
            DeepFreeze(LoadedRoots());
        }
        _deadline.Budget = TimeSpan.FromMilliseconds(limits.TimeMs);
        Handlers = new JsValue[RuleEvents.Count][];
        Priorities = new int[RuleEvents.Count][];
        for (var i = 0; i < RuleEvents.Count; i++)
        {
            var list = _registered.Where(r => (int)r.Event == i).OrderBy(r => r.Priority).ToList();
            Handlers[i] = [.. list.Select(r => r.Fn)];
            Priorities[i] = [.. list.Select(r => r.Priority)];
        }
    }

    public Engine Js { get; }

    public RuleProgram Program { get; }

    /// <summary>Handlers by event, lowest priority number first (registration order among equals).</summary>
    public JsValue[][] Handlers { get; }

    public int[][] Priorities { get; }

    public RuleEvent CurrentEvent => _event;

    /// <summary>The connection being dispatched (host objects read it); null in RULE_INIT.</summary>
    internal RuleConnection Conn => _conn ?? throw TypeError("there is no connection in RULE_INIT");

    internal RuleSet Set => _set ?? throw TypeError("there is no virtual server in RULE_INIT");

    /// <summary>True when the last failed call overran a limit; such an engine is not pooled again.</summary>
    public bool Tainted { get; private set; }

    /// <summary>
    /// Runs one handler for one connection's event; the error, or null. <paramref name="used"/> is what this rule has
    /// used of its limits earlier in the same event (default for its first handler); the call adds to it.
    /// </summary>
    public RuleError? Invoke(JsValue handler, RuleConnection? conn, RuleEvent e, RuleSet? set, ref EventUsage used)
    {
        _conn = conn;
        _set = set;
        _event = e;
        _statements.Begin(used.Statements);
        _deadline.Begin(used, Stopwatch.GetTimestamp());
        try
        {
            Js.Call(handler, JsValue.Undefined, _ctxArgs);
            // Promise jobs the handler queued (then, await) run now, inside its event and its budget: Jint's Call leaves
            // them queued, where they would pile up in the pooled engine or run in another connection's event.
            Js.Advanced.ProcessTasks();
            return null;
        }
        catch (JavaScriptException ex)
        {
            var (line, column) = Locate(ex.JavaScriptStackTrace);
            if (line == 0)
            {
                (line, column) = (ex.Location.Start.Line, ex.Location.Start.Column + 1);
            }
            return Fail(e, ex.Message, line, column, RuleErrorKind.Exception, limit: false);
        }
        catch (Exception ex) when (Classify(ex) is { } kind)
        {
            var (line, column) = Locate(Js.Advanced.StackTrace);
            return Fail(e, Describe(ex, kind), line, column, kind, limit: kind != RuleErrorKind.Exception);
        }
        finally
        {
            _deadline.End(ref used, Stopwatch.GetTimestamp());
            used.Statements = _statements.End();
            _conn = null;
            _set = null;
        }
    }

    private RuleError Fail(RuleEvent e, string message, int line, int column, RuleErrorKind kind, bool limit)
    {
        Tainted |= limit;
        Js.Advanced.ResetCallStack();
        // A rule chooses its error messages (throw new Error(hugeString)); the rule log and the statistics get a bounded one.
        if (message.Length > MaxMessageChars)
        {
            message = string.Concat(message.AsSpan(0, MaxMessageChars), $"… ({message.Length} characters)");
        }
        return new RuleError(Program.Name, RuleEvents.Name(e), message, line, column, kind);
    }

    private static RuleErrorKind? Classify(Exception ex) => ex switch
    {
        RegexMatchTimeoutException => RuleErrorKind.Regex,
        TimeoutException => RuleErrorKind.Time,
        StatementsCountOverflowException => RuleErrorKind.Statements,
        MemoryLimitExceededException => RuleErrorKind.Memory,
        RecursionDepthOverflowException => RuleErrorKind.Recursion,
        OutOfMemoryException => null,
        _ => RuleErrorKind.Exception,
    };

    private string Describe(Exception ex, RuleErrorKind kind) => kind switch
    {
        RuleErrorKind.Time when _deadline.OverranBackstop =>
            $"ran longer than {_deadline.Backstop.TotalMilliseconds:0} ms of wall-clock time (the backstop to its limit of {Program.Limits.TimeMs} ms of CPU time)",
        RuleErrorKind.Time => $"used more than its time limit of {Program.Limits.TimeMs} ms of CPU time in this event",
        RuleErrorKind.Statements => $"ran more than its limit of {Program.Limits.Statements} statements in this event",
        RuleErrorKind.Memory => $"allocated more than its memory limit of {Program.Limits.MemoryMb} MB",
        RuleErrorKind.Recursion => $"recursed deeper than its limit of {Program.Limits.Recursion} calls",
        RuleErrorKind.Regex => $"a regular expression ran longer than {Program.Limits.TimeMs} ms (catastrophic backtracking?)",
        _ => ex.Message,
    };

    private static (int Line, int Column) Locate(string? stack)
    {
        if (stack is not null && FrameLocation.Match(stack) is { Success: true } m)
        {
            return (int.Parse(m.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(m.Groups[2].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture));
        }
        return (0, 0);
    }

    /// <summary>Where the rule is now (<c>line:column</c> of the innermost rule frame), for messages naming call sites.</summary>
    internal string CallSite()
    {
        var (line, column) = Locate(Js.Advanced.StackTrace);
        return line == 0 ? "?" : $"{line}:{column}";
    }

    /// <summary>
    /// Checks that everything the engine would freeze can be frozen within the rule's memory limit (the RULE_INIT
    /// engine, at save time); the problem, or null.
    /// </summary>
    internal string? TooBigToFreeze()
    {
        try
        {
            DeepFreeze(LoadedRoots(), freeze: false);
            return null;
        }
        catch (JavaScriptException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The global object and the rule's top-level names: what an engine freezes once the rule has loaded.</summary>
    private List<JsValue> LoadedRoots()
    {
        var roots = new List<JsValue> { Js.Global };
        if (Program.TopLevelNames is { } names)
        {
            roots.Add(Js.Evaluate(names));
        }
        return roots;
    }

    /// <summary>
    /// Freezes everything reachable from <paramref name="roots"/>. Freezing a String object or an array makes a
    /// property for each character or element, outside any limit and in every engine, so all of them together are
    /// held to what <see cref="KeyGuard"/> allows one copy.
    /// </summary>
    private void DeepFreeze(List<JsValue> roots, bool freeze = true)
    {
        var seen = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<JsValue>(roots);
        var made = 0L;
        while (stack.Count > 0)
        {
            if (stack.Pop() is not ObjectInstance o || o is HostObject or ScopeObject || !seen.Add(o))
            {
                continue;
            }
            made = _keys.CheckFreeze(o, made);
            if (freeze)
            {
                Js.Call(_freeze, JsValue.Undefined, [o]);
            }
            foreach (var key in o.GetOwnPropertyKeys())
            {
                var d = o.GetOwnProperty(key);
                if (d.Get is { } g)
                {
                    stack.Push(g);
                }
                if (d.Set is { } s)
                {
                    stack.Push(s);
                }
                if (!d.IsAccessorDescriptor() && d.Value is ObjectInstance v)
                {
                    stack.Push(v);
                }
            }
            if (o.Prototype is { } proto)
            {
                stack.Push(proto);
            }
        }
    }

    internal JavaScriptException TypeError(string message) => new(Js.Intrinsics.TypeError, message);

    internal JavaScriptException RangeError(string message) => new(Js.Construct(_rangeError, [message]));

    internal JsValue ParseJson(string json) => Js.Call(_jsonParse, JsValue.Undefined, [json]);

    internal string StringifyJson(JsValue value) => Js.Call(_jsonStringify, JsValue.Undefined, [value]) is JsString s ? s.ToString() : "null";

    internal void TraceCall(string name, JsValue[] args) => _conn?.Trace?.Call(name, args);

    /// <summary>A host function that records itself in the trace, then runs.</summary>
    internal ClrFunction Fn(string name, int length, Func<JsValue[], JsValue> body) =>
        new(Js, name[(name.LastIndexOf('.') + 1)..], (_, args) =>
        {
            _conn?.Trace?.Call(name, args);
            return body(args);
        }, length);

    /// <summary>From now on calls get the rule's time limit (the RULE_INIT engine, which is not frozen, switches here).</summary>
    public void UseHandlerBudget() => _deadline.Budget = TimeSpan.FromMilliseconds(Program.Limits.TimeMs);

    public void Dispose() => Js.Dispose();
}
