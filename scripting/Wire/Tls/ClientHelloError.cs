namespace Fulcrum.Scripting.Wire.Tls;

/// <summary>Why bytes are not a ClientHello; the names (kebab-cased) are what rules see as <c>reason</c>.</summary>
public enum ClientHelloError : byte
{
    None,
    /// <summary>The first record is not a TLS handshake record (plain HTTP, SSLv2, an alert, noise).</summary>
    NotHandshake,
    /// <summary>A handshake record whose message is not a ClientHello.</summary>
    NotClientHello,
    /// <summary>A record's version is not 3.x, or its length is zero or above 2^14 (RFC 8446 §5.1).</summary>
    BadRecord,
    /// <summary>The ClientHello is longer than <see cref="TlsClientHello.MaxMessageLength"/>.</summary>
    TooLong,
    /// <summary>A length field disagrees with what encloses it, or a mandatory part is missing.</summary>
    Malformed,
    /// <summary>The server_name extension holds no host name, or one that is not a DNS name.</summary>
    BadServerName,
    /// <summary>The same extension twice (RFC 8446 §4.2).</summary>
    DuplicateExtension,
}
