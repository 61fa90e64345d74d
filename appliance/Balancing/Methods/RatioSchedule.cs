namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>One period of smooth weighted round robin for a fixed candidate set; immutable, shared by concurrent picks.</summary>
internal sealed class RatioSchedule
{
    /// <summary>
    /// Longest period kept. Building costs period × members steps, so weights whose reduced sum is larger are scaled
    /// down proportionally (each member keeps at least 1 turn); shares then match the ratios to within 1/period.
    /// </summary>
    public const int MaxPeriod = 16384;

    private readonly MemberState[] _members;
    private readonly int[] _weights;
    private readonly ushort[] _order;

    private RatioSchedule(MemberState[] members, int[] weights, ushort[] order)
    {
        _members = members;
        _weights = weights;
        _order = order;
    }

    public int Period => _order.Length;

    public MemberState Next(uint ticket) => _members[_order[(int)(ticket % (uint)_order.Length)]];

    public bool Matches(in PickCandidates candidates)
    {
        if (candidates.Count != _members.Length)
        {
            return false;
        }
        var members = candidates.Members;
        var weights = candidates.Weights;
        for (var i = 0; i < _members.Length; i++)
        {
            if (!ReferenceEquals(members[i], _members[i]) || weights[i] != _weights[i])
            {
                return false;
            }
        }
        return true;
    }

    public static RatioSchedule Build(in PickCandidates candidates)
    {
        var members = candidates.Members.ToArray();
        var weights = candidates.Weights.ToArray();
        var reduced = Reduce(weights);
        var period = 0;
        foreach (var w in reduced)
        {
            period += w;
        }
        var order = new ushort[period];
        var current = new long[reduced.Length];
        for (var t = 0; t < period; t++)
        {
            var best = 0;
            for (var i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }
            current[best] -= period;
            order[t] = (ushort)best;
        }
        return new RatioSchedule(members, weights, order);
    }

    /// <summary>Divides by the gcd, then scales down to <see cref="MaxPeriod"/> when still longer.</summary>
    private static int[] Reduce(int[] weights)
    {
        var g = 0;
        long sum = 0;
        foreach (var w in weights)
        {
            g = Gcd(g, w);
        }
        var reduced = new int[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            reduced[i] = weights[i] / g;
            sum += reduced[i];
        }
        var cap = Math.Max(MaxPeriod, weights.Length);
        if (sum > cap)
        {
            for (var i = 0; i < reduced.Length; i++)
            {
                reduced[i] = (int)Math.Max(1, reduced[i] * (long)(cap - reduced.Length) / sum);
            }
        }
        return reduced;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
