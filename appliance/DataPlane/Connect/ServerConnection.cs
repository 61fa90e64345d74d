using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane.Connect;

/// <summary>
/// A server-side connection to one member. It may outlive the client connection that opened it (OneConnect), so it
/// carries its own member, counters and reuse bookkeeping. <see cref="Close"/> is the one place the member's
/// connection count goes down.
/// </summary>
public sealed class ServerConnection
{
    private int _closed;
    private int _idle;

    public ServerConnection(ProxySide side, MemberState member, TrafficCounters memberCounters, TrafficCounters? poolCounters, IPAddress? reuseKey)
    {
        Side = side;
        Member = member;
        MemberCounters = memberCounters;
        PoolCounters = poolCounters;
        ReuseKey = reuseKey;
        CreatedTicks = Environment.TickCount64;
    }

    public ProxySide Side { get; }

    public MemberState Member { get; }

    public TrafficCounters MemberCounters { get; }

    public TrafficCounters? PoolCounters { get; }

    /// <summary>The masked client address this connection may be reused for (OneConnect source mask); null: not reusable across clients.</summary>
    public IPAddress? ReuseKey { get; }

    /// <summary>The TLS identity toward the member (server-ssl material and SNI), empty in clear: OneConnect reuses a connection only for the same one.</summary>
    public string TlsIdentity { get; init; } = "";

    public long CreatedTicks { get; }

    /// <summary>When it went back to the idle pool.</summary>
    public long IdleSinceTicks { get; set; }

    /// <summary>Idle limit while pooled (OneConnect idleTimeout, or the tcp idle timeout).</summary>
    public long IdleTimeoutMs { get; set; }

    /// <summary>Lifetime limit (OneConnect maxAge); 0 for none.</summary>
    public long MaxAgeMs { get; set; }

    /// <summary>Requests sent on it so far.</summary>
    public int Uses { get; set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Goes into the OneConnect pool: its member counts it idle until <see cref="MarkBusy"/> or <see cref="Close"/>.</summary>
    public void MarkIdle()
    {
        if (Interlocked.Exchange(ref _idle, 1) == 0)
        {
            Member.ConnectionIdled();
        }
    }

    /// <summary>Taken out of the OneConnect pool for a request.</summary>
    public void MarkBusy()
    {
        if (Interlocked.Exchange(ref _idle, 0) == 1)
        {
            Member.ConnectionResumed();
        }
    }

    public void Close(bool abort = false)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        if (abort)
        {
            Side.Abort();
        }
        else
        {
            Side.Dispose();
        }
        Side.ReleaseBuffers();
        MarkBusy(); // an idle connection that closes is no longer counted idle
        Member.ConnectionClosed();
        MemberCounters.Closed();
        PoolCounters?.Closed();
    }
}
