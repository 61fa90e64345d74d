namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>Why a client-side handshake failed; counted per virtual (<c>fulcrum_virtual_tls_failures_total{reason}</c>).</summary>
public enum TlsFailureReason : byte
{
    /// <summary>No cipher suite (or signature algorithm / group) in common with the client.</summary>
    NoSharedCipher,
    /// <summary>The client certificate (or the client, about ours) named an issuer that is not trusted.</summary>
    UnknownCa,
    /// <summary>A certificate was refused: expired, revoked, wrong name, too deep a chain, or missing when required.</summary>
    BadCertificate,
    /// <summary>The handshake did not finish within the profile's handshakeTimeout.</summary>
    Timeout,
    /// <summary>The client offered only protocol versions the profile does not enable (TLS 1.0/1.1, or 1.2 on a 1.3-only profile).</summary>
    ProtocolVersion,
    /// <summary>The client closed or reset the connection mid-handshake.</summary>
    Closed,
    /// <summary>What the client sent was not TLS (plain HTTP, garbage).</summary>
    NotTls,
    /// <summary>The virtual's maxHandshakes were in flight; the connection was closed before reading.</summary>
    Limit,
    /// <summary>Any other handshake error (logged at debug with OpenSSL's message).</summary>
    Other,
}

/// <summary>Stable names of <see cref="TlsFailureReason"/> for /api/v1/status and the /metrics label.</summary>
public static class TlsFailureReasons
{
    public const int Count = (int)TlsFailureReason.Other + 1;

    public static readonly string[] Names =
    [
        "no-shared-cipher", "unknown-ca", "bad-certificate", "timeout", "protocol-version", "closed", "not-tls", "limit", "other",
    ];
}
