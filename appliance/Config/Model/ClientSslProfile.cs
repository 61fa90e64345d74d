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
    /// <summary>IANA cipher suite names separated by ':' (TLS_AES_128_GCM_SHA256:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256); null: OpenSSL's defaults.</summary>
    public string? Ciphers { get; init; }
    /// <summary>Protocols offered by ALPN, in preference order; empty: no ALPN.</summary>
    public ImmutableArray<string> Alpn { get; init; } = ["http/1.1"];
    /// <summary>Seconds from accept to a finished handshake.</summary>
    public int HandshakeTimeout { get; init; } = 10;
    /// <summary>Handshakes in flight at once per virtual server (over all loops); 0: no limit. Connections over it are closed and counted.</summary>
    public int MaxHandshakes { get; init; }
    /// <summary><c>ignore | request | require</c>.</summary>
    public string ClientCertificate { get; init; } = "ignore";
    /// <summary>Certificate object whose PEM holds the CA certificates client certificates must chain to.</summary>
    public string? CaCertificate { get; init; }
    /// <summary>A CRL file (PEM or DER) on the appliance, signed by one of the CA certificates; read when the config is published.</summary>
    public string? CrlFile { get; init; }
    /// <summary>Most certificates allowed above the client's own in its verified chain (the CA included).</summary>
    public int VerifyDepth { get; init; } = 9;
    /// <summary>
    /// Staple the OCSP response of each certificate's responder (its authority information access) to handshakes that
    /// ask for it, fetched in the background and refreshed before it expires (LTM's ocsp-stapling).
    /// </summary>
    public bool OcspStapling { get; init; }
}
