using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>A named key/value list for rules (iRules' data groups / classes).</summary>
public sealed record DataGroup : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>string | address | integer</c>; address keys are CIDR prefixes.</summary>
    public string Type { get; init; } = DataGroupTypes.String;
    public ImmutableSortedDictionary<string, string> Records { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}
