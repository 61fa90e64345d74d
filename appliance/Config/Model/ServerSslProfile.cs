using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>TLS originated on the server side (re-encryption toward members).</summary>
public sealed record ServerSslProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.ServerSsl;
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Client certificate presented to members, if any.</summary>
    public string? Certificate { get; init; }
    public ImmutableArray<string> Protocols { get; init; } = ["tls1.2", "tls1.3"];
    public string? Ciphers { get; init; }
    public bool VerifyServer { get; init; }
    public string? CaCertificate { get; init; }
    public string? ServerName { get; init; }
}
