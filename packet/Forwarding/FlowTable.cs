using System.Collections.Concurrent;

namespace Fulcrum.Packet.Forwarding;

/// <summary>
/// A virtual's connection table, keyed by client address, port and protocol (the rest of the 5-tuple is the
/// virtual's). Lookups are lock-free (both forwarder threads read it); adds and removals happen on new flows, on
/// expiry sweeps and on member-down resets. The size limit is kept with its own counter (ConcurrentDictionary's
/// Count takes every lock).
/// </summary>
internal sealed class FlowTable
{
    private readonly ConcurrentDictionary<ulong, Flow> _flows;
    private readonly int _limit;
    private readonly FlowTimeouts _timeouts;
    private readonly ConcurrentDictionary<ulong, Flow>? _replies;
    private int _count;

    /// <param name="snat">FULLNAT's local pairs: flows are also found by theirs (members' replies), and give them back when removed.</param>
    public FlowTable(int limit, FlowTimeouts timeouts, SnatPorts? snat = null)
    {
        _limit = limit;
        _timeouts = timeouts;
        Snat = snat;
        if (snat is not null)
        {
            _replies = new ConcurrentDictionary<ulong, Flow>(concurrencyLevel: 2, capacity: Math.Min(limit, 65536));
        }
        _flows = new ConcurrentDictionary<ulong, Flow>(concurrencyLevel: 2, capacity: Math.Min(limit, 65536));
    }

    public int Count => Volatile.Read(ref _count);

    public int Limit => _limit;

    public static ulong KeyOf(uint clientIp, ushort clientPort, byte protocol) => (ulong)clientIp << 32 | (ulong)clientPort << 8 | protocol;

    public SnatPorts? Snat { get; }

    public Flow? Find(ulong key) => _flows.TryGetValue(key, out var f) ? f : null;

    /// <summary>FULLNAT: the flow whose local pair is this key (<see cref="KeyOf"/> of the local address and port).</summary>
    public Flow? FindReply(ulong key) => _replies is not null && _replies.TryGetValue(key, out var f) ? f : null;

    /// <summary>A fresh flow for the caller to fill and <see cref="Add"/>; null when the table is full.</summary>
    public Flow? Rent()
    {
        if (Interlocked.Increment(ref _count) > _limit)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }
        // One object per new flow, never per packet; not recycled, so a thread still holding a removed flow reads it intact.
        return new Flow();
    }

    public void Add(Flow flow)
    {
        if (_replies is not null)
        {
            _replies[KeyOf(flow.SnatIp, flow.SnatPort, flow.Key.Protocol())] = flow;
        }
        _flows[flow.Key] = flow;
    }

    /// <summary>Gives back a rented flow that was never added.</summary>
    public void Return(Flow flow)
    {
        Interlocked.Decrement(ref _count);
    }

    public bool Remove(Flow flow)
    {
        if (!_flows.TryRemove(new KeyValuePair<ulong, Flow>(flow.Key, flow)))
        {
            return false;
        }
        if (_replies is not null && Snat is not null)
        {
            _replies.TryRemove(new KeyValuePair<ulong, Flow>(KeyOf(flow.SnatIp, flow.SnatPort, flow.Key.Protocol()), flow));
            Snat.Give(flow.SnatIp, flow.SnatPort);
        }
        flow.Member.FlowClosed();
        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Sets the flow's state and its expiry from the state's timeout.</summary>
    public void Touch(Flow flow, TcpState state, long now)
    {
        flow.State = state;
        Volatile.Write(ref flow.Expires, now + _timeouts.For(state) * 1000L);
    }

    /// <summary>Removes flows idle past their state's timeout; returns how many.</summary>
    public int Expire(long now)
    {
        var n = 0;
        foreach (var (_, flow) in _flows)
        {
            if (Volatile.Read(ref flow.Expires) <= now && Remove(flow))
            {
                n++;
            }
        }
        return n;
    }

    public IEnumerable<Flow> Flows => _flows.Values;

    public void Clear()
    {
        foreach (var (_, flow) in _flows)
        {
            Remove(flow);
        }
    }
}

internal static class FlowKeys
{
    public static byte Protocol(this ulong key) => (byte)key;
}
