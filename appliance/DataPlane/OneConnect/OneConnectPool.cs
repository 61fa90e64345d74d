using System.Collections.Concurrent;
using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Connect;

namespace Fulcrum.Appliance.DataPlane.OneConnect;

/// <summary>
/// Server-side connection reuse across client connections (LTM OneConnect). Idle connections are kept per member,
/// source-mask key and event loop: a client takes its own loop's first, else moves an idle one over from another loop.
/// One is handed out only if it is under maxAge and maxReuse, has idled less than the idle timeout,
/// and the member has not closed it (a poll finds no FIN and no stray bytes): a connection the server closed is never
/// reused. A sweep closes expired and server-closed idle connections once a second, so they do not hold the member's
/// connection count.
/// </summary>
public sealed class OneConnectPool : IDisposable
{
    private readonly ConcurrentDictionary<(MemberState Member, IPAddress Key, string Tls, int Loop), IdleQueue> _idle = new();
    private readonly Timer _sweep;
    private long _reused;
    private long _pooled;

    private readonly int _loops;

    public OneConnectPool(Transport.ITransport transport)
    {
        _loops = transport.Loops;
        _sweep = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Requests that went out on a pooled connection.</summary>
    public long Reused => Volatile.Read(ref _reused);

    public int IdleCount
    {
        get
        {
            var n = 0;
            foreach (var q in _idle.Values)
            {
                n += q.Count;
            }
            return n;
        }
    }

    /// <param name="loop">The client connection's event loop, whose idle connections are tried first.</param>
    /// <param name="tls">The TLS identity toward the member (<see cref="ServerConnection.TlsIdentity"/>; empty in clear): part of the key.</param>
    public ServerConnection? TryTake(MemberState member, IPAddress key, string tls, int loop, OneConnectProfile profile, long tcpIdleMs)
    {
        // This loop's own idle connections first (no move); then another loop's, moved here: a member should see few
        // connections however many loops its clients arrive on.
        for (var i = 0; i < _loops; i++)
        {
            var from = (loop + i) % _loops;
            if (_idle.TryGetValue((member, key, tls, from), out var queue) && TakeFrom(queue, profile, tcpIdleMs, moving: i > 0) is { } connection)
            {
                return connection;
            }
        }
        return null;
    }

    private ServerConnection? TakeFrom(IdleQueue queue, OneConnectProfile profile, long tcpIdleMs, bool moving)
    {
        var now = Environment.TickCount64;
        while (queue.TryTake(out var connection))
        {
            if (Expired(connection, profile, tcpIdleMs, now) || (moving && !connection.Side.Transport.MoveToCurrentLoop()) || !IsAlive(connection))
            {
                connection.Close();
                continue;
            }
            Interlocked.Increment(ref _reused);
            connection.MarkBusy();
            return connection;
        }
        return null;
    }

    public void Return(ServerConnection connection, OneConnectProfile profile, long tcpIdleMs)
    {
        var now = Environment.TickCount64;
        connection.IdleSinceTicks = now;
        connection.IdleTimeoutMs = profile.IdleTimeout > 0 ? profile.IdleTimeout * 1000L : tcpIdleMs;
        connection.MaxAgeMs = profile.MaxAge * 1000L;
        // No liveness poll here: the response just ended cleanly; TryTake polls before handing it out again.
        if (connection.ReuseKey is null || Expired(connection, profile, tcpIdleMs, now) || (profile.MaxReuse > 0 && connection.Uses >= profile.MaxReuse))
        {
            connection.Close();
            return;
        }
        var queue = _idle.GetOrAdd((connection.Member, connection.ReuseKey, connection.TlsIdentity, connection.Side.Transport.Loop), static _ => new IdleQueue());
        // Marked before it can be taken: a taker's MarkBusy must never run before this.
        connection.MarkIdle();
        if (!queue.TryAdd(connection, profile.MaxSize))
        {
            connection.Close();
            return;
        }
        Interlocked.Increment(ref _pooled);
    }

    /// <summary>True when nothing is waiting on the socket: no FIN, no reset, no unsolicited bytes.</summary>
    public bool IsAlive(ServerConnection connection)
    {
        if (connection.IsClosed || connection.Side.IsDisposed)
        {
            return false;
        }
        // A FIN, a reset or stray bytes: the member is done with it. On an event loop this is an edge already seen.
        return !connection.Side.Transport.HasUnsolicitedInput();
    }

    private static bool Expired(ServerConnection c, OneConnectProfile profile, long tcpIdleMs, long now)
    {
        var idleMs = profile.IdleTimeout > 0 ? profile.IdleTimeout * 1000L : tcpIdleMs;
        return (profile.MaxAge > 0 && now - c.CreatedTicks >= profile.MaxAge * 1000L)
            || (idleMs > 0 && c.IdleSinceTicks != 0 && now - c.IdleSinceTicks >= idleMs);
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var queue in _idle.Values)
        {
            // Take each connection once and put the good ones back; a concurrent taker just finds one fewer.
            for (var n = queue.Count; n > 0 && queue.TryTake(out var c); n--)
            {
                var expired = (c.IdleTimeoutMs > 0 && now - c.IdleSinceTicks >= c.IdleTimeoutMs)
                    || (c.MaxAgeMs > 0 && now - c.CreatedTicks >= c.MaxAgeMs);
                if (expired || !IsAlive(c) || !queue.TryAdd(c, int.MaxValue))
                {
                    c.Close();
                }
            }
        }
    }

    public void Dispose()
    {
        _sweep.Dispose();
        foreach (var queue in _idle.Values)
        {
            while (queue.TryTake(out var c))
            {
                c.Close();
            }
        }
    }
}
