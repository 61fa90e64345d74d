using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Stats;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// The rules engine behind <see cref="IProxyEventSink"/>: at CLIENT_ACCEPTED it opens a <see cref="RuleSession"/> on the
/// virtual's rule set (built once per plan, i.e. per generation) and stores it in <see cref="ProxyContext.Rules"/>;
/// every later event dispatches on that session. Virtual servers without rules cost one length check per event point.
/// </summary>
public sealed class RuleEventSink : IProxyEventSink
{
    private readonly RuleSetCache _cache;
    private readonly BalancingState _balancing;
    private readonly DataPlaneCounters _counters;
    private readonly ILogger _logger;

    public RuleEventSink(RuleSetCache cache, BalancingState balancing, DataPlaneCounters counters, ILogger<RuleEventSink> logger)
    {
        _cache = cache;
        _balancing = balancing;
        _counters = counters;
        _logger = logger;
    }

    public bool IsActive(ProxyContext context) => context.Rules is not null || !context.Plan.Runtime.Config.Rules.IsDefaultOrEmpty;

    public ValueTask<ProxyEventStatus> OnEventAsync(ProxyEvent evt, ProxyContext context)
    {
        if (evt == ProxyEvent.ClientAccepted)
        {
            return context.Plan.Rules.IsBuilt ? ValueTask.FromResult(Accept(context)) : BuildThenAcceptAsync(context);
        }
        if (context.Rules is not { } session)
        {
            return ValueTask.FromResult(ProxyEventStatus.Continue);
        }
        var e = Map(evt);
        if (e == RuleEvent.LbSelected && context.Member is { } picked)
        {
            session.Picked(picked);
        }
        if (e is RuleEvent.LbSelected or RuleEvent.LbFailed)
        {
            session.ArmReselect();
        }
        if (e == RuleEvent.HttpResponse)
        {
            session.BeginResponse();
        }
        var status = session.Dispatch(e);
        if (e == RuleEvent.HttpResponseRelease)
        {
            session.EndRequest();
        }
        return ValueTask.FromResult(status);
    }

    /// <summary>
    /// The first connection of a generation builds its virtual's rule set (compiles, creates engines): milliseconds of
    /// work that must not stall an event loop's other connections. It runs on the thread pool; the connection then
    /// goes back to its loop.
    /// </summary>
    private async ValueTask<ProxyEventStatus> BuildThenAcceptAsync(ProxyContext context)
    {
        await Task.Run(() => Build(context.Plan)).ConfigureAwait(false);
        await context.Client.Transport.ResumeOnLoopAsync().ConfigureAwait(false);
        return Accept(context);
    }

    private RuleSet? Build(VirtualPlan plan) =>
        plan.Rules.Get(() => _cache.Build(plan.Runtime, plan.Snapshot, out var broken) is { } s ? (s, false) : (null, broken));

    private ProxyEventStatus Accept(ProxyContext context)
    {
        var plan = context.Plan;
        var holder = plan.Rules;
        var set = Build(plan);
        if (holder.Broken)
        {
            RulesLog.VirtualRefused(_logger, plan.Name);
            return ProxyEventStatus.Reset;
        }
        if (set is null)
        {
            return ProxyEventStatus.Continue;
        }
        var session = new RuleSession(context, set, _balancing, _counters);
        context.Rules = session;
        return session.Dispatch(RuleEvent.ClientAccepted);
    }

    private static RuleEvent Map(ProxyEvent evt) => evt switch
    {
        ProxyEvent.ClientAccepted => RuleEvent.ClientAccepted,
        ProxyEvent.ClientData => RuleEvent.ClientData,
        ProxyEvent.HttpRequest => RuleEvent.HttpRequest,
        ProxyEvent.HttpRequestData => RuleEvent.HttpRequestData,
        ProxyEvent.LbSelected => RuleEvent.LbSelected,
        ProxyEvent.LbFailed => RuleEvent.LbFailed,
        ProxyEvent.ServerConnected => RuleEvent.ServerConnected,
        ProxyEvent.HttpRequestSend => RuleEvent.HttpRequestSend,
        ProxyEvent.ServerData => RuleEvent.ServerData,
        ProxyEvent.HttpRequestRelease => RuleEvent.HttpRequestRelease,
        ProxyEvent.HttpResponse => RuleEvent.HttpResponse,
        ProxyEvent.HttpResponseData => RuleEvent.HttpResponseData,
        ProxyEvent.HttpResponseRelease => RuleEvent.HttpResponseRelease,
        ProxyEvent.ClientClosed => RuleEvent.ClientClosed,
        ProxyEvent.ClientSslClientHello => RuleEvent.ClientSslClientHello,
        ProxyEvent.ClientSslHandshake => RuleEvent.ClientSslHandshake,
        ProxyEvent.ServerSslHandshake => RuleEvent.ServerSslHandshake,
        _ => RuleEvent.ServerClosed,
    };
}

/// <summary>A virtual's rule set for one plan (one generation), built on the plan's first connection.</summary>
public sealed class VirtualRules
{
    private readonly object _gate = new();
    private Scripting.Runtime.RuleSet? _set;
    private bool _built;

    public bool Broken { get; private set; }

    public bool IsBuilt => Volatile.Read(ref _built);

    public Scripting.Runtime.RuleSet? Get(Func<(Scripting.Runtime.RuleSet? Set, bool Broken)> build)
    {
        if (Volatile.Read(ref _built))
        {
            return _set;
        }
        lock (_gate)
        {
            if (!_built)
            {
                (_set, Broken) = build();
                Volatile.Write(ref _built, true);
            }
        }
        return _set;
    }
}
