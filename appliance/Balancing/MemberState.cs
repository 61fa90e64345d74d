using System.Diagnostics;
using System.Net;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// The live side of one pool member: counters and health. It outlives config generations (kept while the pool
/// still has a member at that address and port), so a config change never resets counters or health. All fields
/// are updated with interlocked operations; the pick path reads them without locks.
/// </summary>
public sealed class MemberState
{
    private RuntimeMember _config;
    private MemberHealth _health = MemberHealth.Unchecked;
    private int _current;
    private long _total;
    private int _outstanding;
    private long _requests;
    private long _failures;
    private long _upSince = Stopwatch.GetTimestamp();

    public MemberState(string pool, RuntimeMember config)
    {
        Pool = pool;
        _config = config;
    }

    public string Pool { get; }

    public RuntimeMember Config => Volatile.Read(ref _config);

    public string Key => Config.Key;

    public IPEndPoint EndPoint => Config.EndPoint;

    public MemberHealth Health => Volatile.Read(ref _health);

    public int CurrentConnections => Volatile.Read(ref _current);

    public long TotalConnections => Interlocked.Read(ref _total);

    /// <summary>L7 requests sent and not yet answered (the <c>fastest</c> method's measure).</summary>
    public int OutstandingRequests => Volatile.Read(ref _outstanding);

    public long Requests => Interlocked.Read(ref _requests);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary><see cref="Stopwatch"/> timestamp of the last transition to up (slow ramp grows from here).</summary>
    public long UpSinceTimestamp => Interlocked.Read(ref _upSince);

    /// <summary>May take new connections: enabled, not down or disabled by a monitor, under its connection limit.</summary>
    public bool IsSelectable
    {
        get
        {
            var config = Config.Config;
            var health = Health.Status;
            return config.State == MemberStates.Enabled
                && health is HealthStatus.Up or HealthStatus.Unchecked
                && (config.ConnectionLimit == 0 || CurrentConnections < config.ConnectionLimit);
        }
    }

    /// <summary>Counts toward "members up" (priority groups, min active members, the status page).</summary>
    public bool IsActive => Config.Config.State != MemberStates.ForcedOffline && Health.Status is HealthStatus.Up or HealthStatus.Unchecked;

    internal void Update(RuntimeMember config) => Volatile.Write(ref _config, config);

    public void SetHealth(MemberHealth health)
    {
        var previous = Interlocked.Exchange(ref _health, health);
        if (health.Status == HealthStatus.Up && previous.Status != HealthStatus.Up)
        {
            Interlocked.Exchange(ref _upSince, Stopwatch.GetTimestamp());
        }
    }

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _current);
        Interlocked.Increment(ref _total);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _current);

    public void RequestStarted()
    {
        Interlocked.Increment(ref _outstanding);
        Interlocked.Increment(ref _requests);
    }

    public void RequestEnded() => Interlocked.Decrement(ref _outstanding);

    public void Failed() => Interlocked.Increment(ref _failures);
}
