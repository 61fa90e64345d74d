using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// HAProxy's <c>balance source</c> map: the client address's hash modulo the candidates' total weight. Cheap and
/// even, but any change in the candidate set moves most clients; use consistent-hash when that matters.
/// </summary>
internal sealed class SourceHashMethod : ILoadBalancingMethod
{
    private uint _rotor;

    public string Name => LoadBalancingModes.SourceHash;

    public RampMode Ramp => RampMode.None;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context)
    {
        ulong hash;
        if (context.ClientAddress is { } ip)
        {
            hash = StableHash.Of(ip);
        }
        else if (context.HashKey is { } key)
        {
            hash = StableHash.Of(key);
        }
        else
        {
            return candidates.Members[(int)((Interlocked.Increment(ref _rotor) - 1) % (uint)candidates.Count)];
        }
        long total = 0;
        foreach (var w in candidates.Weights)
        {
            total += w;
        }
        return candidates.Members[PickMath.Slot(candidates.Weights, (long)(hash % (ulong)total))];
    }
}
