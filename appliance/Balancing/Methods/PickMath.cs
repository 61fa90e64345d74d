namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>Small helpers the methods share: least-loaded scans with rotating ties, weighted draws.</summary>
internal static class PickMath
{
    /// <summary>
    /// The candidate with the lowest load ÷ weight (compared as cross products, no division), scanning from a rotating
    /// start so that ties take turns instead of always going to the first member. Pass <paramref name="weighted"/>
    /// false to compare loads alone.
    /// </summary>
    public static int LeastLoaded<TLoad>(in PickCandidates candidates, ref uint rotor, bool weighted)
        where TLoad : struct, ILoad
    {
        var members = candidates.Members;
        var weights = candidates.Weights;
        var n = members.Length;
        var start = (int)((Interlocked.Increment(ref rotor) - 1) % (uint)n);
        var best = start;
        long bestLoad = TLoad.Of(members[start]);
        long bestWeight = weighted ? weights[start] : 1;
        for (var k = 1; k < n; k++)
        {
            var i = start + k;
            if (i >= n)
            {
                i -= n;
            }
            long load = TLoad.Of(members[i]);
            long weight = weighted ? weights[i] : 1;
            if (load * bestWeight < bestLoad * weight)
            {
                best = i;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return best;
    }

    /// <summary>A draw in <c>[0, total)</c> for totals beyond <see cref="int.MaxValue"/> as well.</summary>
    public static long Draw(IRandomSource random, long total) =>
        total <= int.MaxValue ? random.Next((int)total) : (long)(((ulong)random.Next(int.MaxValue) * (ulong)total) >> 31);

    /// <summary>Walks <paramref name="weights"/> to the slot that <paramref name="point"/> (in <c>[0, sum)</c>) falls in.</summary>
    public static int Slot(ReadOnlySpan<int> weights, long point)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            point -= weights[i];
            if (point < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }
}

/// <summary>A member's load as a least-loaded method measures it; static so the scan inlines it.</summary>
internal interface ILoad
{
    static abstract long Of(MemberState member);
}

internal readonly struct ConnectionLoad : ILoad
{
    public static long Of(MemberState member) => member.ActiveConnections;
}

internal readonly struct RequestLoad : ILoad
{
    public static long Of(MemberState member) => member.OutstandingRequests;
}

internal readonly struct SessionLoad : ILoad
{
    public static long Of(MemberState member) => member.PersistenceRecords;
}
