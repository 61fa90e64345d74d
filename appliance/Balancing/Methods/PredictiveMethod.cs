using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// LTM's predictive: observed's dynamic ratio, scaled up for members whose connection average is falling and down
/// for those whose average is rising (see <see cref="ConnectionSampler"/>); a weighted draw on the result.
/// </summary>
internal sealed class PredictiveMethod(TimeProvider time, IRandomSource random) : ILoadBalancingMethod
{
    private readonly ConnectionSampler _sampler = new(time, predictive: true);

    public string Name => LoadBalancingModes.Predictive;

    public void Attach(IReadOnlyList<MemberState> members) => _sampler.Attach(members);

    public MemberState? Pick(in PickCandidates candidates, in PickContext context) =>
        DynamicRatio.Pick(candidates, _sampler.Weights(), random);
}
