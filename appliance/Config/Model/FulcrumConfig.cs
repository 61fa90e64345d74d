using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>
/// The whole stored configuration at one generation. Immutable: a change builds a new one, which is
/// validated in full and then stored as the next generation. Each list is kept sorted by name.
/// </summary>
public sealed record FulcrumConfig
{
    public ImmutableArray<VirtualServer> Virtuals { get; init; } = [];
    public ImmutableArray<Pool> Pools { get; init; } = [];
    public ImmutableArray<Node> Nodes { get; init; } = [];
    public ImmutableArray<Monitor> Monitors { get; init; } = [];
    public ProfileSet Profiles { get; init; } = new();
    public ImmutableArray<Certificate> Certificates { get; init; } = [];
    public ImmutableArray<Rule> Rules { get; init; } = [];
    public ImmutableArray<DataGroup> DataGroups { get; init; } = [];
    public ImmutableArray<WideIp> WideIps { get; init; } = [];

    /// <summary>The configuration of a new box: only the built-in objects.</summary>
    public static FulcrumConfig Default { get; } = BuiltIns.Apply(new FulcrumConfig());
}
