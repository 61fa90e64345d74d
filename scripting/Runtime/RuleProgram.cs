using System.Collections.Concurrent;
using System.Diagnostics;
using Acornima.Ast;
using Fulcrum.Scripting.Compilation;
using Fulcrum.Scripting.Events;
using Jint;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// One compiled rule version: its prepared script (shared by all its engines), analysis, limits, the <c>statics</c>
/// made by RULE_INIT, and a pool of loaded engines. Immutable once built; a new source is a new program.
/// </summary>
public sealed class RuleProgram
{
    private readonly ConcurrentBag<RuleEngine> _pool = [];
    private int _pooled;
    // The last engine returned, taken first: events are dispatched one after another far more often than at the same
    // time, and one exchange is cheaper than the bag's per-thread lists (an engine returned on one thread and rented on
    // another makes the bag steal).
    private RuleEngine? _hot;
    // When an engine was last made because none was free. Engines past the pool's size are kept while that is recent:
    // making one costs milliseconds of CPU (thousands of events), and a busy core that preempts threads mid-event makes
    // them in bursts; dropping each extra on return only to make it again at the next burst is the costly way round.
    private long _lastMade;
    private static readonly TimeSpan KeepExtrasFor = TimeSpan.FromSeconds(30);

    internal RuleProgram(RuleRuntime runtime, string name, string source, Prepared<Script> prepared, RuleAnalysis analysis, RuleStatistics statistics)
    {
        Runtime = runtime;
        Name = name;
        Source = source;
        Prepared = prepared;
        Analysis = analysis;
        Statistics = statistics;
        if (analysis.TopLevelNames.Count > 0)
        {
            TopLevelNames = Engine.PrepareScript("[" + string.Join(",", analysis.TopLevelNames) + "]", source: "rule-names", strict: true);
        }
    }

    public string Name { get; }

    public string Source { get; }

    public RuleAnalysis Analysis { get; }

    public RuleLimits Limits => Analysis.Limits;

    public RuleStatistics Statistics { get; }

    /// <summary>The JSON of <c>statics</c> as RULE_INIT left it.</summary>
    public string StaticsJson { get; private set; } = "{}";

    internal RuleRuntime Runtime { get; }

    internal Prepared<Script> Prepared { get; }

    internal Prepared<Script>? TopLevelNames { get; }

    /// <summary>Priorities of the handlers by event, as every engine of this program registers them.</summary>
    internal int[][] Priorities { get; private set; } = [];

    internal bool Handles(RuleEvent e) => Priorities[(int)e].Length > 0;

    /// <summary>Loads the rule in a throw-away engine, runs RULE_INIT, keeps statics; the error, or null.</summary>
    internal RuleError? Initialize()
    {
        var engine = new RuleEngine(this, statics: null);
        try
        {
            Priorities = engine.Priorities;
            engine.UseHandlerBudget();
            var used = default(EventUsage);
            foreach (var handler in engine.Handlers[(int)RuleEvent.RuleInit])
            {
                if (engine.Invoke(handler, null, RuleEvent.RuleInit, null, ref used) is { } error)
                {
                    return error;
                }
            }
            if (engine.TooBigToFreeze() is { } problem)
            {
                throw new RuleCompileException(Name, [new RuleDiagnostic(problem, 1, 1)]);
            }
            StaticsJson = engine.StringifyJson(engine.Js.Global.Get("statics"));
            return null;
        }
        finally
        {
            engine.Dispose();
        }
    }

    internal RuleEngine Rent()
    {
        if (Interlocked.Exchange(ref _hot, null) is { } hot)
        {
            return hot;
        }
        if (_pool.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _pooled);
            return engine;
        }
        Volatile.Write(ref _lastMade, Stopwatch.GetTimestamp());
        return new RuleEngine(this, StaticsJson);
    }

    internal void Return(RuleEngine engine)
    {
        if (!engine.Tainted && Interlocked.CompareExchange(ref _hot, engine, null) is null)
        {
            return;
        }
        if (engine.Tainted)
        {
            engine.Dispose();
            return;
        }
        if (Interlocked.Increment(ref _pooled) > Runtime.Options.MaxPooledEnginesPerRule
            && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastMade)) > KeepExtrasFor)
        {
            Interlocked.Decrement(ref _pooled);
            engine.Dispose();
            return;
        }
        _pool.Add(engine);
    }
}
