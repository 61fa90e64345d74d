using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.Stats;

/// <summary>
/// Live counters of one virtual server, pool or member. Updated with interlocked adds from any connection, read without
/// locks by the status page and /metrics. Bytes follow HAProxy's convention at every level: <c>in</c> is the request
/// direction (client to member), <c>out</c> the response direction.
/// </summary>
public sealed class TrafficCounters
{
    private readonly long[] _errors = new long[TerminationCauses.Count];
    private long _current;
    private long _total;
    private long _requests;
    private long _bytesIn;
    private long _bytesOut;
    private TlsCounters? _tls;

    public long CurrentConnections => Volatile.Read(ref _current);
    public long TotalConnections => Volatile.Read(ref _total);
    public long Requests => Volatile.Read(ref _requests);
    public long BytesIn => Volatile.Read(ref _bytesIn);
    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>Client-side TLS counters (virtual servers with a client-ssl profile); null until the first use.</summary>
    public TlsCounters? TlsOrNull => Volatile.Read(ref _tls);

    public TlsCounters Tls => Volatile.Read(ref _tls) ?? Interlocked.CompareExchange(ref _tls, new TlsCounters(), null) ?? _tls!;

    public void Opened()
    {
        Interlocked.Increment(ref _current);
        Interlocked.Increment(ref _total);
    }

    public void Closed() => Interlocked.Decrement(ref _current);

    public void Request() => Interlocked.Increment(ref _requests);

    public void AddIn(long bytes) => Interlocked.Add(ref _bytesIn, bytes);

    public void AddOut(long bytes) => Interlocked.Add(ref _bytesOut, bytes);

    public void Error(TerminationCause cause)
    {
        if (cause != TerminationCause.None)
        {
            Interlocked.Increment(ref _errors[(int)cause]);
        }
    }

    public long Errors(TerminationCause cause) => Volatile.Read(ref _errors[(int)cause]);

    /// <summary>Errors by cause name, only the non-zero ones (for the status page).</summary>
    public Dictionary<string, long> ErrorsByName()
    {
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 1; i < _errors.Length; i++)
        {
            var n = Volatile.Read(ref _errors[i]);
            if (n != 0)
            {
                map[TerminationCauses.Names[i]] = n;
            }
        }
        return map;
    }
}
