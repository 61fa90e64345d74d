using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// LTM's fastest: the fewest outstanding L7 requests (sent, not yet answered), which tracks response time without
/// timing anything. Ties take turns. Needs the HTTP proxy to call RequestStarted/RequestEnded; on plain TCP every
/// count stays 0 and this is round robin.
/// </summary>
internal sealed class FastestMethod : ILoadBalancingMethod
{
    private uint _rotor;

    public string Name => LoadBalancingModes.Fastest;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        candidates.Members[PickMath.LeastLoaded<RequestLoad>(candidates, ref _rotor, weighted: false)];
}
