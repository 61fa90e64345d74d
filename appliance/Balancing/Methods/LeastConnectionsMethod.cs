using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>Fewest current connections; ties take turns. Ratios are ignored (see weighted-least-connections).</summary>
internal sealed class LeastConnectionsMethod : ILoadBalancingMethod
{
    private uint _rotor;

    public string Name => LoadBalancingModes.LeastConnections;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        candidates.Members[PickMath.LeastLoaded<ConnectionLoad>(candidates, ref _rotor, weighted: false)];
}
