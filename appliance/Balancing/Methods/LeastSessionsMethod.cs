using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// LTM's least sessions: the fewest persistence records in the persistence table (counted per member as records are
/// added, expire or are removed). Ties take turns. Meaningful with a persistence profile that keeps records
/// (source-address, hash, universal, cookie passive); without one every count is 0 and this is round robin.
/// </summary>
internal sealed class LeastSessionsMethod : ILoadBalancingMethod
{
    private uint _rotor;

    public string Name => LoadBalancingModes.LeastSessions;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        candidates.Members[PickMath.LeastLoaded<SessionLoad>(candidates, ref _rotor, weighted: false)];
}
