namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// The observed and predictive methods' measurements. At most once per <see cref="Period"/> (on the first pick after
/// it, by one thread; the others keep using the last sample) it reads every member's current connection count c and
/// keeps a moving average a = (a + c) / 2 (the first sample sets a = c), and the previous average a′. From those:
/// <list type="bullet">
/// <item>observed weight = ratio × 1024 ÷ (1 + a): fewer connections, larger share;</item>
/// <item>predictive weight = observed weight × clamp((1 + a′) ÷ (1 + a), ½, 2): a member whose average fell since the
/// last second (improving) gets up to twice its observed share, one whose average rose down to half.</item>
/// </list>
/// A sample is an immutable object published by reference, so picks read it without locks.
/// </summary>
internal sealed class ConnectionSampler(TimeProvider time, bool predictive)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private IReadOnlyList<MemberState> _members = [];
    private Sample? _sample;
    private int _sampling;

    public void Attach(IReadOnlyList<MemberState> members)
    {
        _members = members;
        Volatile.Write(ref _sample, null);
    }

    /// <summary>The weights by pool position, resampled when the last sample is a period old.</summary>
    public int[] Weights()
    {
        var sample = Volatile.Read(ref _sample);
        if ((sample is null || time.GetElapsedTime(sample.Timestamp) >= Period) && Interlocked.CompareExchange(ref _sampling, 1, 0) == 0)
        {
            try
            {
                sample = Take(Volatile.Read(ref _sample));
                Volatile.Write(ref _sample, sample);
            }
            finally
            {
                Volatile.Write(ref _sampling, 0);
            }
        }
        return sample?.Weights ?? Take(null).Weights;
    }

    private Sample Take(Sample? previous)
    {
        var members = _members;
        var average = new double[members.Count];
        var weights = new int[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            double c = members[i].ActiveConnections;
            var before = previous is not null && i < previous.Average.Length ? previous.Average[i] : c;
            average[i] = previous is null ? c : (before + c) / 2;
            var weight = members[i].Config.Config.Ratio * 1024.0 / (1 + average[i]);
            if (predictive)
            {
                weight *= Math.Clamp((1 + before) / (1 + average[i]), 0.5, 2);
            }
            weights[i] = (int)Math.Clamp(weight, 1, int.MaxValue / 4096);
        }
        return new Sample(time.GetTimestamp(), average, weights);
    }

    private sealed record Sample(long Timestamp, double[] Average, int[] Weights);
}
