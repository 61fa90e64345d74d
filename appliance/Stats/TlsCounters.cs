using Fulcrum.Appliance.DataPlane.Tls;

namespace Fulcrum.Appliance.Stats;

/// <summary>Client-side TLS counters of one virtual server: interlocked adds from the loops, lock-free reads.</summary>
public sealed class TlsCounters
{
    private readonly long[] _failures = new long[TlsFailureReasons.Count];
    private long _handshakes;
    private long _resumptions;
    private int _inFlight;

    /// <summary>Completed handshakes, resumed ones included.</summary>
    public long Handshakes => Volatile.Read(ref _handshakes);

    public long Resumptions => Volatile.Read(ref _resumptions);

    /// <summary>Handshakes running now on this virtual, over all loops.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a handshake slot; false when <paramref name="max"/> (above 0) are already in flight.</summary>
    public bool TryEnter(int max)
    {
        if (Interlocked.Increment(ref _inFlight) <= max || max <= 0)
        {
            return true;
        }
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public void Handshake(bool resumed)
    {
        Interlocked.Increment(ref _handshakes);
        if (resumed)
        {
            Interlocked.Increment(ref _resumptions);
        }
    }

    public void Failed(TlsFailureReason reason) => Interlocked.Increment(ref _failures[(int)reason]);

    public long Failures(TlsFailureReason reason) => Volatile.Read(ref _failures[(int)reason]);

    /// <summary>Failures by reason name, only the non-zero ones (for the status page).</summary>
    public Dictionary<string, long> FailuresByName()
    {
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _failures.Length; i++)
        {
            var n = Volatile.Read(ref _failures[i]);
            if (n != 0)
            {
                map[TlsFailureReasons.Names[i]] = n;
            }
        }
        return map;
    }
}
