using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>A uniform draw among the candidates. Stateless, so it spreads well across many proxies that share members.</summary>
internal sealed class RandomMethod(IRandomSource random) : ILoadBalancingMethod
{
    public string Name => LoadBalancingModes.Random;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        candidates.Members[random.Next(candidates.Count)];
}
