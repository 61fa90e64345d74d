using System.Net;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Packet.Balancing;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// The live side of one pool member: counters and health. It outlives config generations (kept while the pool
/// still has a member at that address and port), so a config change never resets counters or health. All fields
/// are updated with interlocked operations; the pick path reads them without locks.
/// </summary>
public sealed class MemberState : IFlowMember
{
    /// <summary><see cref="UpSinceTimestamp"/> when the member is not ramping (never came up, or up since before the ramp could matter).</summary>
    public const long NotRamping = long.MinValue;

    private readonly TimeProvider _time;
    private RuntimeMember _config;
    private MemberHealth _health = MemberHealth.Unchecked;
    private CancellationTokenSource _down = new();
    private ILoadBalancingMethod? _method;
    private int _current;
    private int _idle;
    private long _total;
    private int _outstanding;
    private long _requests;
    private long _failures;
    private int _sessions;
    private long _upSince = NotRamping;
    // Copies of what the pick path reads, kept in this object so a pick over many members touches one object per
    // member instead of following config and health references.
    private int _status;
    private int _admin;
    private int _limit;
    private int _ratio;

    public MemberState(string pool, RuntimeMember config)
        : this(pool, config, TimeProvider.System)
    {
    }

    public MemberState(string pool, RuntimeMember config, TimeProvider time)
    {
        Pool = pool;
        _config = config;
        _time = time;
        CopyConfig(config);
    }

    public string Pool { get; }

    /// <summary>False for a rule node past <see cref="RuleNodes.MaxShared"/>: its connections are not kept for OneConnect reuse.</summary>
    public bool Poolable { get; init; } = true;

    public RuntimeMember Config => Volatile.Read(ref _config);

    public string Key => Config.Key;

    public IPEndPoint EndPoint => Config.EndPoint;

    public MemberHealth Health => Volatile.Read(ref _health);

    /// <summary>The governing administrative state: the member's own, made stricter by its node's.</summary>
    public MemberAdminState AdminState => Config.AdminState;

    public int CurrentConnections => Volatile.Read(ref _current);

    /// <summary>Open server connections waiting, idle, in the OneConnect pool (carrying no request).</summary>
    public int IdleConnections => Volatile.Read(ref _idle);

    /// <summary>
    /// Connections carrying traffic: every open connection but those idle in the OneConnect pool. The least-connections
    /// family, observed, predictive and power-of-two measure this, so an idle pool does not steer the picks.
    /// </summary>
    public int ActiveConnections => Math.Max(0, CurrentConnections - IdleConnections);

    public long TotalConnections => Interlocked.Read(ref _total);

    /// <summary>L7 requests sent and not yet answered (the <c>fastest</c> method's measure).</summary>
    public int OutstandingRequests => Volatile.Read(ref _outstanding);

    public long Requests => Interlocked.Read(ref _requests);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Persistence records that point at this member (the <c>least-sessions</c> method's measure).</summary>
    public int PersistenceRecords => Volatile.Read(ref _sessions);

    /// <summary>
    /// <see cref="TimeProvider.GetTimestamp"/> of the last transition to up or to enabled (slow ramp grows from
    /// here), or <see cref="NotRamping"/>.
    /// </summary>
    public long UpSinceTimestamp => Interlocked.Read(ref _upSince);

    /// <summary>
    /// Cancelled when the member goes down (health <c>down</c>). Take it when a connection to the member opens and
    /// register on it to apply the pool's <see cref="PoolState.ServiceDownAction"/>. A new token is issued afterwards.
    /// </summary>
    public CancellationToken DownToken => Volatile.Read(ref _down).Token;

    /// <summary>Raised (on the monitor's thread) when the member's health turns to down.</summary>
    public event Action<MemberState>? WentDown;

    /// <summary>May take new connections: enabled (member and node), not down or disabled by a monitor, under its connection limit.</summary>
    public bool IsSelectable
    {
        get
        {
            var limit = Volatile.Read(ref _limit);
            return Volatile.Read(ref _admin) == (int)MemberAdminState.Enabled
                && (HealthStatus)Volatile.Read(ref _status) is HealthStatus.Up or HealthStatus.Unchecked
                && (limit == 0 || CurrentConnections < limit);
        }
    }

    /// <summary>Counts toward "members up" (priority groups, min active members, the status page).</summary>
    public bool IsActive => Volatile.Read(ref _admin) != (int)MemberAdminState.ForcedOffline && (HealthStatus)Volatile.Read(ref _status) is HealthStatus.Up or HealthStatus.Unchecked;

    /// <summary>The configured ratio (the pick path's copy).</summary>
    public int Ratio => Volatile.Read(ref _ratio);

    /// <summary>
    /// May take a persisted client: not forced offline and not down. A <c>disabled</c> member (by config, node or a
    /// monitor's receive-disable) keeps its persisted clients. The connection limit holds unless the profile overrides it.
    /// </summary>
    public bool IsPersistenceTarget(bool overrideConnectionLimit)
    {
        var config = Config;
        var limit = config.Config.ConnectionLimit;
        return config.AdminState != MemberAdminState.ForcedOffline
            && Health.Status != HealthStatus.Down
            && (overrideConnectionLimit || limit == 0 || CurrentConnections < limit);
    }

    /// <summary>The share of its weight the member gets now: 1 unless it came up less than <paramref name="slowRampSeconds"/> ago.</summary>
    public double RampShare(int slowRampSeconds)
    {
        var since = UpSinceTimestamp;
        if (slowRampSeconds <= 0 || since == NotRamping)
        {
            return 1;
        }
        var elapsed = _time.GetElapsedTime(since).TotalSeconds;
        return elapsed >= slowRampSeconds ? 1 : Math.Max(0, elapsed / slowRampSeconds);
    }

    internal void Update(RuntimeMember config)
    {
        var previous = Interlocked.Exchange(ref _config, config);
        CopyConfig(config);
        if (previous.AdminState != MemberAdminState.Enabled && config.AdminState == MemberAdminState.Enabled)
        {
            Interlocked.Exchange(ref _upSince, _time.GetTimestamp());
        }
        if (previous.Config.Ratio != config.Config.Ratio)
        {
            Volatile.Read(ref _method)?.WeightChanged(this);
        }
    }

    private void CopyConfig(RuntimeMember config)
    {
        Volatile.Write(ref _admin, (int)config.AdminState);
        Volatile.Write(ref _limit, config.Config.ConnectionLimit);
        Volatile.Write(ref _ratio, config.Config.Ratio);
    }

    /// <summary>The method of the pool generation that now owns this member (its hooks are called from here).</summary>
    internal void Attach(ILoadBalancingMethod method) => Volatile.Write(ref _method, method);

    public void SetHealth(MemberHealth health)
    {
        var previous = Interlocked.Exchange(ref _health, health);
        Volatile.Write(ref _status, (int)health.Status);
        if (health.Status == HealthStatus.Up && previous.Status != HealthStatus.Up)
        {
            Interlocked.Exchange(ref _upSince, _time.GetTimestamp());
            Volatile.Read(ref _method)?.MemberUp(this);
        }
        else if (health.Status == HealthStatus.Down && previous.Status != HealthStatus.Down)
        {
            var down = Interlocked.Exchange(ref _down, new CancellationTokenSource());
            Volatile.Read(ref _method)?.MemberDown(this);
            WentDown?.Invoke(this);
            // Not disposed: connections may still be registering on the token; it holds no timer.
            down.Cancel();
        }
    }

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _current);
        Interlocked.Increment(ref _total);
        Volatile.Read(ref _method)?.ConnectionTaken(this);
    }

    public void ConnectionClosed()
    {
        Interlocked.Decrement(ref _current);
        Volatile.Read(ref _method)?.ConnectionDropped(this);
    }

    /// <summary>One of its connections went idle into the OneConnect pool (still open, carrying nothing).</summary>
    public void ConnectionIdled() => Interlocked.Increment(ref _idle);

    /// <summary>An idle pooled connection was taken for a request, or closed.</summary>
    public void ConnectionResumed() => Interlocked.Decrement(ref _idle);

    public void RequestStarted()
    {
        Interlocked.Increment(ref _outstanding);
        Interlocked.Increment(ref _requests);
    }

    public void RequestEnded() => Interlocked.Decrement(ref _outstanding);

    public void Failed() => Interlocked.Increment(ref _failures);

    internal void SessionAdded() => Interlocked.Increment(ref _sessions);

    internal void SessionRemoved() => Interlocked.Decrement(ref _sessions);

    // Packet mode's view (its contract, implemented here so a pick hands out the live state itself, allocation-free):
    // a tracked flow counts as a connection for the least-connections family and the status page.
    bool IFlowMember.IsUp => Health.Status != HealthStatus.Down;

    void IFlowMember.FlowOpened() => ConnectionOpened();

    void IFlowMember.FlowClosed() => ConnectionClosed();
}
