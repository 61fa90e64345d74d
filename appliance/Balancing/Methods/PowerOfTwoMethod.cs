using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// Two distinct random candidates, the one with fewer connections wins. Comparing just two keeps the cost constant
/// while it cuts the worst member's load from about log n / log log n above the mean (one random choice) to
/// log log n (Mitzenmacher), and, unlike a full least-connections scan, it does not send a burst of new
/// connections all to the same momentarily emptiest member.
/// </summary>
internal sealed class PowerOfTwoMethod(IRandomSource random) : ILoadBalancingMethod
{
    public string Name => LoadBalancingModes.PowerOfTwo;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context)
    {
        var members = candidates.Members;
        if (members.Length == 1)
        {
            return members[0];
        }
        var a = random.Next(members.Length);
        var b = random.Next(members.Length - 1);
        if (b >= a)
        {
            b++;
        }
        return members[b].ActiveConnections < members[a].ActiveConnections ? members[b] : members[a];
    }
}
