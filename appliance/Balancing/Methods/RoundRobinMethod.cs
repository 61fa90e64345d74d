using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>Each pick takes the next candidate in turn; one interlocked increment, no lock.</summary>
internal sealed class RoundRobinMethod : ILoadBalancingMethod
{
    private uint _next;

    public string Name => LoadBalancingModes.RoundRobin;

    public MemberState? Pick(ReadOnlySpan<MemberState> candidates, in PickContext context)
    {
        if (candidates.IsEmpty)
        {
            return null;
        }
        var n = Interlocked.Increment(ref _next) - 1;
        return candidates[(int)(n % (uint)candidates.Length)];
    }
}
