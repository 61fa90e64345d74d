namespace Fulcrum.Appliance.DataPlane;

/// <summary>When <see cref="MemoryTrimmer"/> collects: the rule alone, so tests can drive it with their own clock.</summary>
public sealed class TrimDecision
{
    /// <summary>A drop smaller than this many connections is not worth a full blocking collection.</summary>
    public const int MinDrop = 512;

    /// <summary>Full collections pause the data plane; under churn they come at most this often.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(30);

    private int _peak;
    private int _last;
    private long _lastTrim = long.MinValue / 2;

    /// <summary>Records the live count at <paramref name="nowMs"/>; returns the peak it fell from when a trim is due, else null.</summary>
    public int? Observe(long nowMs, int live)
    {
        var falling = live < _last;
        _last = live;
        _peak = Math.Max(_peak, live);
        var drop = _peak - live;
        if (falling || drop < MinDrop || drop * 2 < _peak || nowMs - _lastTrim < (long)MinInterval.TotalMilliseconds)
        {
            return null;
        }
        var peak = _peak;
        _peak = live;
        _lastTrim = nowMs;
        return peak;
    }
}
