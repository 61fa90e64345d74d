using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Load-balancing method names as the API spells them.</summary>
public static class LoadBalancingModes
{
    public const string RoundRobin = "round-robin";
    public const string Ratio = "ratio";
    public const string LeastConnections = "least-connections";
    public const string WeightedLeastConnections = "weighted-least-connections";
    public const string RatioLeastConnections = "ratio-least-connections";
    public const string Fastest = "fastest";
    public const string Observed = "observed";
    public const string Predictive = "predictive";
    public const string LeastSessions = "least-sessions";
    public const string Random = "random";
    public const string PowerOfTwo = "power-of-two";
    public const string SourceHash = "source-hash";
    public const string ConsistentHash = "consistent-hash";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, RoundRobin, Ratio, LeastConnections, WeightedLeastConnections, RatioLeastConnections, Fastest, Observed, Predictive, LeastSessions, Random, PowerOfTwo, SourceHash, ConsistentHash);
}
