namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>A weighted draw among the candidates on weights indexed by pool position (observed, predictive).</summary>
internal static class DynamicRatio
{
    public static MemberState Pick(in PickCandidates candidates, int[] weights, IRandomSource random)
    {
        var indices = candidates.Indices;
        long total = 0;
        foreach (var i in indices)
        {
            total += Weight(weights, i);
        }
        var point = PickMath.Draw(random, total);
        for (var k = 0; k < indices.Length; k++)
        {
            point -= Weight(weights, indices[k]);
            if (point < 0)
            {
                return candidates.Members[k];
            }
        }
        return candidates.Members[^1];
    }

    private static int Weight(int[] weights, int index) => index < weights.Length ? weights[index] : 1;
}
