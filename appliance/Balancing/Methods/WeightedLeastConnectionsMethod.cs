using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// Fewest connections per unit of ratio (connections ÷ effective weight), so a ratio-3 member holds three times the
/// connections of a ratio-1 member under sustained load. Ties (e.g. every member idle) take turns regardless of ratio.
/// </summary>
internal sealed class WeightedLeastConnectionsMethod : ILoadBalancingMethod
{
    private uint _rotor;

    public string Name => LoadBalancingModes.WeightedLeastConnections;

    public RampMode Ramp => RampMode.Weight;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        candidates.Members[PickMath.LeastLoaded<ConnectionLoad>(candidates, ref _rotor, weighted: true)];
}
