using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Appliance.Stats;

/// <summary>
/// Every data-plane counter set, by virtual name, pool name and member. Member counters hang off the live
/// <see cref="MemberState"/> (which outlives config generations), so they follow the member, not the config.
/// Lookups happen once per connection (virtual: once per listener), never per request.
/// </summary>
public sealed class DataPlaneCounters
{
    private readonly ConcurrentDictionary<string, TrafficCounters> _virtuals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TrafficCounters> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DataPlane.Transport.SocketOptions.VirtualTcpTelemetry> _tcp = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<MemberState, TrafficCounters> _members = new();
    private long _snatExhausted;
    private long _accessLogDropped;
    private long _accessLogWritten;

    public TrafficCounters Virtual(string name) => _virtuals.GetOrAdd(name, static _ => new TrafficCounters());

    /// <summary>A virtual's TCP telemetry on both sides (options read back, TCP_INFO of closed connections).</summary>
    public DataPlane.Transport.SocketOptions.VirtualTcpTelemetry Tcp(string name) => _tcp.GetOrAdd(name, static _ => new DataPlane.Transport.SocketOptions.VirtualTcpTelemetry());

    public TrafficCounters Pool(string name) => _pools.GetOrAdd(name, static _ => new TrafficCounters());

    public TrafficCounters Member(MemberState member) => _members.GetValue(member, static _ => new TrafficCounters());

    public IEnumerable<KeyValuePair<string, TrafficCounters>> Virtuals => _virtuals;

    public IEnumerable<KeyValuePair<string, TrafficCounters>> Pools => _pools;

    public IEnumerable<KeyValuePair<MemberState, TrafficCounters>> Members => _members;

    /// <summary>Server-side connects that found no free source port on any SNAT address.</summary>
    public long SnatExhausted => Volatile.Read(ref _snatExhausted);

    public void SnatExhaustedOnce() => Interlocked.Increment(ref _snatExhausted);

    /// <summary>Access-log entries dropped because the writer fell behind (the data plane never waits for it).</summary>
    public long AccessLogDropped => Volatile.Read(ref _accessLogDropped);

    public void AccessLogDrop() => Interlocked.Increment(ref _accessLogDropped);

    public long AccessLogWritten => Volatile.Read(ref _accessLogWritten);

    public void AccessLogWrite() => Interlocked.Increment(ref _accessLogWritten);
}
