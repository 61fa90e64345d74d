using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>A server address. Its monitors govern every pool member at that address.</summary>
public sealed record Node : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string Address { get; init; }
    public ImmutableArray<string> Monitors { get; init; } = [];
    public int ConnectionLimit { get; init; }
    public int Ratio { get; init; } = 1;
    /// <summary><c>enabled | disabled | forced-offline</c>.</summary>
    public string State { get; init; } = MemberStates.Enabled;
}
