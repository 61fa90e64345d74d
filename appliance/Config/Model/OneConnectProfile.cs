using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Server-side connection reuse, with LTM's semantics.</summary>
public sealed record OneConnectProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.OneConnect;
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Client addresses under this mask share idle server connections; 0.0.0.0 lets any client reuse any.</summary>
    public string SourceMask { get; init; } = "0.0.0.0";
    /// <summary>Idle server connections kept per member.</summary>
    public int MaxSize { get; init; } = 10000;
    /// <summary>Seconds a server connection may live.</summary>
    public int MaxAge { get; init; } = 86400;
    /// <summary>Requests one server connection may carry.</summary>
    public int MaxReuse { get; init; } = 1000;
    /// <summary>Seconds an idle server connection is kept; 0 uses the tcp profile's idle timeout.</summary>
    public int IdleTimeout { get; init; }
}
