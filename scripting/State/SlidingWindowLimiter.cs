using System.Collections.Concurrent;

namespace Fulcrum.Scripting.State;

/// <summary>
/// A sliding-window rate limit (<c>rate</c> events per <c>per</c> ms, per key): the count of the current fixed window
/// plus the previous window's count weighted by how much of it still overlaps the sliding window. Per-key state is two
/// counters; keys idle for two windows are swept when the key count passes its bound.
/// </summary>
public sealed class SlidingWindowLimiter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _maxKeys;

    public SlidingWindowLimiter(int rate, long perMs, TimeProvider? time = null, int maxKeys = 100_000)
    {
        Rate = rate;
        PerMs = perMs;
        _time = time ?? TimeProvider.System;
        _maxKeys = maxKeys;
    }

    public int Rate { get; }

    public long PerMs { get; }

    private sealed class Window
    {
        public long Start;
        public int Previous;
        public int Current;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public bool Allow(string key)
    {
        var w = _windows.GetOrAdd(key, _ => new Window { Start = Now });
        lock (w)
        {
            var now = Roll(w);
            if (Estimate(w, now) + 1 > Rate)
            {
                return false;
            }
            w.Current++;
        }
        if (_windows.Count > _maxKeys)
        {
            Sweep();
        }
        return true;
    }

    /// <summary>Milliseconds until <see cref="Allow"/> would say yes for this key (0 when it would now).</summary>
    public double RetryAfterMs(string key)
    {
        if (!_windows.TryGetValue(key, out var w))
        {
            return 0;
        }
        lock (w)
        {
            var now = Roll(w);
            var elapsed = now - w.Start;
            if (Estimate(w, now) + 1 <= Rate)
            {
                return 0;
            }
            if (w.Current + 1 <= Rate && w.Previous > 0)
            {
                // previous * (per - t) / per + current + 1 <= rate, solved for t.
                var t = PerMs - (double)(Rate - w.Current - 1) * PerMs / w.Previous;
                return Math.Max(1, Math.Ceiling(t - elapsed));
            }
            // Wait for this window to end, then for enough of it to slide out.
            var next = PerMs - (double)(Rate - 1) * PerMs / Math.Max(1, w.Current);
            return Math.Max(1, Math.Ceiling(PerMs - elapsed + Math.Max(0, next)));
        }
    }

    private long Roll(Window w)
    {
        var now = Now;
        var elapsed = now - w.Start;
        if (elapsed >= PerMs)
        {
            var windows = elapsed / PerMs;
            w.Previous = windows == 1 ? w.Current : 0;
            w.Current = 0;
            w.Start += windows * PerMs;
        }
        return now;
    }

    private double Estimate(Window w, long now)
    {
        var elapsed = now - w.Start;
        return w.Previous * (double)(PerMs - elapsed) / PerMs + w.Current;
    }

    private void Sweep()
    {
        var now = Now;
        foreach (var (k, w) in _windows)
        {
            if (now - w.Start >= 2 * PerMs)
            {
                _windows.TryRemove(k, out _);
            }
        }
    }
}

/// <summary>Limiters by name and shape, shared by every rule of the runtime.</summary>
public sealed class LimiterRegistry(TimeProvider? time = null)
{
    private readonly ConcurrentDictionary<(string, int, long), SlidingWindowLimiter> _limiters = new();

    public SlidingWindowLimiter Get(string name, int rate, long perMs) =>
        _limiters.GetOrAdd((name, rate, perMs), k => new SlidingWindowLimiter(k.Item2, k.Item3, time));
}
