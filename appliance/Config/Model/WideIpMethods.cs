using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>How a wide IP picks the member it answers with; all but topology are the pool methods of the same name.</summary>
public static class WideIpMethods
{
    public const string RoundRobin = LoadBalancingModes.RoundRobin;
    public const string Ratio = LoadBalancingModes.Ratio;
    public const string LeastConnections = LoadBalancingModes.LeastConnections;
    public const string Topology = "topology";
    public const string ConsistentHash = LoadBalancingModes.ConsistentHash;

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, RoundRobin, Ratio, LeastConnections, Topology, ConsistentHash);
}
