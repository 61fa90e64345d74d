using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// LTM's observed: a dynamic ratio from connection counts sampled each second (see <see cref="ConnectionSampler"/>),
/// members with fewer connections get more; the pick is a weighted draw on those ratios.
/// </summary>
internal sealed class ObservedMethod(TimeProvider time, IRandomSource random) : ILoadBalancingMethod
{
    private readonly ConnectionSampler _sampler = new(time, predictive: false);

    public string Name => LoadBalancingModes.Observed;

    public void Attach(IReadOnlyList<MemberState> members) => _sampler.Attach(members);

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        DynamicRatio.Pick(candidates, _sampler.Weights(), random);
}
