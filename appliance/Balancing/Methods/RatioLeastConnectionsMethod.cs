using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// LTM's ratio applied on top of least connections: the lowest connections ÷ ratio wins, as in
/// weighted-least-connections, and when several members tie (notably when connections are short and every count is
/// 0) the ratio decides among them by a weighted draw. Short-lived traffic therefore still follows the ratio, which
/// weighted-least-connections' turn-taking does not do.
/// </summary>
internal sealed class RatioLeastConnectionsMethod(IRandomSource random) : ILoadBalancingMethod
{
    public string Name => LoadBalancingModes.RatioLeastConnections;

    public RampMode Ramp => RampMode.Weight;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context)
    {
        var members = candidates.Members;
        var weights = candidates.Weights;
        long bestLoad = members[0].ActiveConnections;
        long bestWeight = weights[0];
        long tiedWeight = weights[0];
        for (var i = 1; i < members.Length; i++)
        {
            long load = members[i].ActiveConnections;
            long weight = weights[i];
            var cmp = (load * bestWeight).CompareTo(bestLoad * weight);
            if (cmp < 0)
            {
                bestLoad = load;
                bestWeight = weight;
                tiedWeight = weight;
            }
            else if (cmp == 0)
            {
                tiedWeight += weight;
            }
        }
        var point = PickMath.Draw(random, tiedWeight);
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i].ActiveConnections * bestWeight == bestLoad * weights[i])
            {
                point -= weights[i];
                if (point < 0)
                {
                    return members[i];
                }
            }
        }
        // Counts moved between the two passes; any member of the first pass's minimum is as good.
        return members[PickMath.Slot(weights, 0)];
    }
}
