using System.Collections.Concurrent;
using Jint.Native;

namespace Fulcrum.Scripting.State;

/// <summary>
/// The shared key/value table of all rules (iRules' <c>table</c>): values are strings, numbers or booleans, each with
/// an optional time to live. Bounded: when full, expired entries go first, then those closest to expiry.
/// Thread-safe; <see cref="Incr"/> is atomic per key.
/// </summary>
public sealed class RuleTable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly object _evictLock = new();

    public RuleTable(int maxEntries = 100_000, TimeProvider? time = null)
    {
        MaxEntries = maxEntries;
        _time = time ?? TimeProvider.System;
    }

    public int MaxEntries { get; }

    public int Count => _entries.Count;

    private sealed class Entry
    {
        public JsValue Value = JsValue.Null;
        public long ExpiresAt;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static bool Expired(Entry e, long now) => e.ExpiresAt != 0 && e.ExpiresAt <= now;

    public JsValue? Get(string key)
    {
        if (_entries.TryGetValue(key, out var e))
        {
            lock (e)
            {
                if (!Expired(e, Now))
                {
                    return e.Value;
                }
            }
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, e));
        }
        return null;
    }

    public void Set(string key, JsValue value, long ttlMs)
    {
        var e = new Entry { Value = value, ExpiresAt = ttlMs > 0 ? Now + ttlMs : 0 };
        _entries[key] = e;
        EnsureRoom();
    }

    /// <summary>Adds <paramref name="by"/> to a number (0 when absent or expired); a new entry lives <paramref name="ttlMs"/>.</summary>
    public double Incr(string key, double by, long ttlMs)
    {
        while (true)
        {
            var e = _entries.GetOrAdd(key, static _ => new Entry { Value = 0 });
            lock (e)
            {
                if (!_entries.TryGetValue(key, out var current) || !ReferenceEquals(current, e))
                {
                    continue;
                }
                var now = Now;
                if (Expired(e, now) || e.Value is not JsNumber)
                {
                    e.Value = 0;
                    e.ExpiresAt = 0;
                }
                if (e.ExpiresAt == 0 && ttlMs > 0)
                {
                    e.ExpiresAt = now + ttlMs;
                }
                var n = e.Value.AsNumber() + by;
                e.Value = n;
                EnsureRoom();
                return n;
            }
        }
    }

    public bool Delete(string key) => _entries.TryRemove(key, out _);

    private void EnsureRoom()
    {
        if (_entries.Count <= MaxEntries || !Monitor.TryEnter(_evictLock))
        {
            return;
        }
        try
        {
            var now = Now;
            foreach (var (k, e) in _entries)
            {
                if (Expired(e, now))
                {
                    _entries.TryRemove(k, out _);
                }
            }
            var excess = _entries.Count - MaxEntries * 9 / 10;
            if (excess > 0)
            {
                foreach (var k in _entries.OrderBy(p => p.Value.ExpiresAt == 0 ? long.MaxValue : p.Value.ExpiresAt).Take(excess).Select(p => p.Key).ToList())
                {
                    _entries.TryRemove(k, out _);
                }
            }
        }
        finally
        {
            Monitor.Exit(_evictLock);
        }
    }
}
