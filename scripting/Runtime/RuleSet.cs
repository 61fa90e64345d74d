using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;
using Jint.Native;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// The rules of one virtual server at one configuration generation, immutable. A connection holds the set it opened
/// with for its whole life; a configuration change builds a new set for new connections. Handlers of an event run by
/// priority, then in the virtual server's rule order, then in registration order.
/// </summary>
public sealed class RuleSet
{
    private const int MaxStackRules = 16;

    private static long _nextConnection;

    private readonly (int Rule, int Handler)[][] _plan;

    internal RuleSet(RuleRuntime runtime, string virtualServer, IReadOnlyList<RuleProgram> rules, IDataGroupProvider dataGroups)
    {
        Runtime = runtime;
        VirtualServer = virtualServer;
        VirtualServerJs = new JsString(virtualServer);
        Rules = rules;
        DataGroups = dataGroups;
        _plan = new (int, int)[RuleEvents.Count][];
        for (var e = 0; e < RuleEvents.Count; e++)
        {
            var steps = new List<(int Priority, int Rule, int Handler)>();
            for (var r = 0; r < rules.Count; r++)
            {
                var priorities = rules[r].Priorities[e];
                for (var h = 0; h < priorities.Length; h++)
                {
                    steps.Add((priorities[h], r, h));
                }
            }
            _plan[e] = [.. steps.OrderBy(s => s.Priority).ThenBy(s => s.Rule).ThenBy(s => s.Handler).Select(s => (s.Rule, s.Handler))];
        }
    }

    public string VirtualServer { get; }

    public IReadOnlyList<RuleProgram> Rules { get; }

    public IDataGroupProvider DataGroups { get; }

    internal RuleRuntime Runtime { get; }

    internal JsString VirtualServerJs { get; }

    /// <summary>True when some rule handles <paramref name="e"/> (the proxy may skip collecting for events nobody handles).</summary>
    public bool Handles(RuleEvent e) => _plan[(int)e].Length > 0;

    /// <summary>Starts the rule state of a new client connection; call before CLIENT_ACCEPTED.</summary>
    public RuleConnection Open(IRuleEventContext context) =>
        new(this, context, Interlocked.Increment(ref _nextConnection).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Runs every handler of <paramref name="e"/> for <paramref name="connection"/>, on the calling thread. Call it for
    /// every event of the connection, handled or not: HTTP_REQUEST starts a request scope (<c>ctx.req</c>, the local
    /// response) and HTTP_RESPONSE_RELEASE ends it.
    /// </summary>
    public RuleDispatchResult Dispatch(RuleConnection connection, RuleEvent e)
    {
        if (e == RuleEvent.HttpRequest)
        {
            connection.BeginRequest();
        }
        else if (e == RuleEvent.HttpResponse && connection.Request is { } request)
        {
            request.RetrySite = null; // a new response (after a retry): respond() and retry() are open again
        }
        var plan = _plan[(int)e];
        var result = RuleDispatchResult.Continue;
        if (plan.Length > 0)
        {
            result = Run(connection, e, plan);
        }
        if (e == RuleEvent.HttpResponseRelease)
        {
            connection.Request = null;
        }
        return result;
    }

    private RuleDispatchResult Run(RuleConnection connection, RuleEvent e, (int Rule, int Handler)[] plan)
    {
        connection.Status = RuleStatus.Continue;
        connection.StopRequested = false;
        // One budget per rule per event: a rule's handlers may be interleaved with other rules' by priority, and each
        // call may get a different pooled engine, so what each rule has used lives here, not in an engine.
        var used = Rules.Count <= MaxStackRules ? stackalloc EventUsage[Rules.Count] : new EventUsage[Rules.Count];
        RuleEngine? engine = null;
        try
        {
            foreach (var (r, h) in plan)
            {
                var program = Rules[r];
                if (!ReferenceEquals(engine?.Program, program))
                {
                    if (engine is not null)
                    {
                        engine.Program.Return(engine);
                        engine = null;
                    }
                    engine = program.Rent();
                }
                var wallBefore = used[r].Wall;
                var error = engine.Invoke(engine.Handlers[(int)e][h], connection, e, this, ref used[r]);
                program.Statistics.Record(e, used[r].Wall - wallBefore, error);
                if (error is not null)
                {
                    Runtime.Failed(program, error, this, connection);
                    connection.Status = RuleStatus.Error;
                    return new RuleDispatchResult(RuleStatus.Error, error);
                }
                if (connection.Status is RuleStatus.Dropped or RuleStatus.Rejected or RuleStatus.Closed)
                {
                    break;
                }
                if (connection.StopRequested)
                {
                    if (connection.Status == RuleStatus.Continue)
                    {
                        connection.Status = RuleStatus.Stopped;
                    }
                    break;
                }
            }
        }
        finally
        {
            if (engine is not null)
            {
                engine.Program.Return(engine);
            }
        }
        return new RuleDispatchResult(connection.Status);
    }
}
