using System.Collections.Concurrent;

namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>
/// The persistence records of every virtual server: a concurrent dictionary (reads take no lock), each record with
/// a TTL, the whole bounded to <see cref="Capacity"/>. Expired records are dropped when met by a lookup and by a
/// sweep at most every <see cref="SweepInterval"/> (run by the writer that notices it is due); when a write finds the
/// table full, the sweep also evicts the records closest to expiry until the table is at 7/8 of its capacity.
/// Every removal goes through one compare-and-remove so a member's session count drops exactly once.
/// </summary>
public sealed class PersistenceTable
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<PersistenceKey, PersistenceRecord> _records = new();
    private readonly TimeProvider _time;
    private int _count;
    private long _lastSweep;
    private int _sweeping;

    public PersistenceTable(TimeProvider time, int capacity = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _time = time;
        Capacity = capacity;
        _lastSweep = time.GetUtcNow().UtcTicks;
    }

    public int Capacity { get; }

    /// <summary>Records held, including expired ones not swept yet.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The live record for <paramref name="key"/>, its expiry pushed forward; null when absent or expired.</summary>
    public PersistenceRecord? Get(in PersistenceKey key, bool touch = true)
    {
        if (!_records.TryGetValue(key, out var record))
        {
            return null;
        }
        var now = _time.GetUtcNow().UtcTicks;
        if (record.IsExpired(now))
        {
            Remove(record);
            return null;
        }
        if (touch)
        {
            record.Touch(now);
        }
        return record;
    }

    /// <summary>Records (or replaces) the key's member.</summary>
    public PersistenceRecord Set(in PersistenceKey key, string virtualName, string method, MemberState member, TimeSpan timeout)
    {
        var now = _time.GetUtcNow();
        var record = new PersistenceRecord(key, virtualName, method, member, now, timeout);
        while (true)
        {
            if (_records.TryGetValue(key, out var old))
            {
                if (_records.TryUpdate(key, record, old))
                {
                    old.Member.SessionRemoved();
                    member.SessionAdded();
                    break;
                }
            }
            else if (_records.TryAdd(key, record))
            {
                member.SessionAdded();
                Interlocked.Increment(ref _count);
                break;
            }
        }
        if (Count > Capacity || now.UtcTicks - Interlocked.Read(ref _lastSweep) >= SweepInterval.Ticks)
        {
            Sweep();
        }
        return record;
    }

    /// <summary>Removes this very record (not a newer one under the same key); false when it was already gone.</summary>
    public bool Remove(PersistenceRecord record)
    {
        if (_records.TryRemove(KeyValuePair.Create(record.Key, record)))
        {
            Interlocked.Decrement(ref _count);
            record.Member.SessionRemoved();
            return true;
        }
        return false;
    }

    public bool Remove(in PersistenceKey key) => _records.TryGetValue(key, out var record) && Remove(record);

    /// <summary>Live records (a moment's view; the table changes underneath).</summary>
    public IEnumerable<PersistenceRecord> Records()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var (_, record) in _records)
        {
            if (!record.IsExpired(now))
            {
                yield return record;
            }
        }
    }

    /// <summary>Removes every record that matches; returns how many.</summary>
    public int RemoveWhere(Func<PersistenceRecord, bool> match)
    {
        var n = 0;
        foreach (var (_, record) in _records)
        {
            if (match(record) && Remove(record))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Drops expired records, then evicts the soonest to expire while over capacity. One sweeper at a time.</summary>
    public void Sweep()
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }
        try
        {
            var now = _time.GetUtcNow().UtcTicks;
            Interlocked.Exchange(ref _lastSweep, now);
            RemoveWhere(r => r.IsExpired(now));
            if (Count > Capacity)
            {
                var target = Capacity - Capacity / 8;
                var byExpiry = _records.Values.ToArray();
                Array.Sort(byExpiry, (a, b) => a.ExpiresTicks.CompareTo(b.ExpiresTicks));
                for (var i = 0; i < byExpiry.Length && Count > target; i++)
                {
                    Remove(byExpiry[i]);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
