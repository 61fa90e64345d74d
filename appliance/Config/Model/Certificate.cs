using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>A certificate (PEM, with its chain) and optionally its private key. The key is write-only in the API.</summary>
public sealed record Certificate : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>PEM: the certificate first, then any intermediates.</summary>
    public required string Pem { get; init; }
    /// <summary>PEM private key; never returned by the API.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }
}
