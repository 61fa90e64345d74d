using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>TLS terminated on the client side.</summary>
public sealed record ClientSslProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.ClientSsl;
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Certificate object (with key) presented by default.</summary>
    public string? Certificate { get; init; }
    /// <summary>Further certificates chosen by SNI.</summary>
    public ImmutableArray<string> SniCertificates { get; init; } = [];
    public ImmutableArray<string> Protocols { get; init; } = ["tls1.2", "tls1.3"];
    public string? Ciphers { get; init; }
    public ImmutableArray<string> Alpn { get; init; } = ["http/1.1"];
    /// <summary><c>ignore | request | require</c>.</summary>
    public string ClientCertificate { get; init; } = "ignore";
    public string? CaCertificate { get; init; }
}
