using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>A pool member: a node address and a service port.</summary>
public sealed record PoolMember
{
    public required string Address { get; init; }
    public required int Port { get; init; }
    public string? Description { get; init; }
    public int Ratio { get; init; } = 1;
    public int PriorityGroup { get; init; }
    public int ConnectionLimit { get; init; }
    /// <summary><c>enabled | disabled | forced-offline</c>.</summary>
    public string State { get; init; } = MemberStates.Enabled;

    /// <summary>The member's name in API paths and messages, as LTM writes it: <c>address:port</c>, IPv6 in brackets.</summary>
    [JsonIgnore]
    public string Key => MemberKey.Format(Address, Port);
}
