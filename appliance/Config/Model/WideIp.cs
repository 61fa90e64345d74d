using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>
/// A name answered by DNS virtual servers from the members of its pools that are up (F5 DNS's wide IP). The object's
/// name is the DNS name; its zone is the name without its first label (<c>www.example.com</c> → <c>example.com</c>).
/// </summary>
public sealed record WideIp : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>A | AAAA | CNAME</c>.</summary>
    public string Type { get; init; } = WideIpTypes.A;
    /// <summary>Pools whose members make the answers; members of the other address family are not used.</summary>
    public ImmutableArray<string> Pools { get; init; } = [];
    /// <summary>Seconds resolvers may cache an answer.</summary>
    public int Ttl { get; init; } = 30;
    /// <summary><c>round-robin | ratio | least-connections | topology | consistent-hash</c> (<see cref="WideIpMethods"/>).</summary>
    public string Method { get; init; } = WideIpMethods.RoundRobin;
    /// <summary>With method <c>topology</c>: client subnets (ECS, else the source address) mapped to pools, longest prefix first.</summary>
    public ImmutableArray<TopologyRecord> Topology { get; init; } = [];
    /// <summary>For type CNAME: the target name answered for each pool (pool name → DNS name).</summary>
    public ImmutableSortedDictionary<string, string> Cnames { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
    /// <summary>Answered when no member of any pool is up: an IPv4 address (A), an IPv6 address (AAAA) or a name (CNAME); null: an empty answer (NOERROR, no records, the zone's SOA).</summary>
    public string? Fallback { get; init; }
    /// <summary>Records in one answer: the picked member first, then the next members that are up (1 to 32).</summary>
    public int MaxAnswers { get; init; } = 1;
}
