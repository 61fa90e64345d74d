using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>Each pick takes the next candidate in turn; one interlocked increment, no lock.</summary>
internal sealed class RoundRobinMethod : ILoadBalancingMethod
{
    private uint _next;

    public string Name => LoadBalancingModes.RoundRobin;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context)
    {
        var n = Interlocked.Increment(ref _next) - 1;
        return candidates.Members[(int)(n % (uint)candidates.Count)];
    }
}
