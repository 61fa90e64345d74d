namespace Fulcrum.Scripting.Contracts;

/// <summary>TLS facts of the client side (with a client-ssl profile).</summary>
public interface IRuleSsl
{
    string? ServerName { get; }

    /// <summary><c>tls1.3</c>, <c>tls1.2</c>; null before the handshake (CLIENTSSL_CLIENTHELLO).</summary>
    string? Protocol { get; }

    string? Cipher { get; }

    /// <summary>The client certificate's subject, or null.</summary>
    string? ClientCertificateSubject { get; }

    /// <summary>The client certificate's issuer (only a certificate that passed the profile's checks), or null.</summary>
    string? ClientCertificateIssuer { get; }

    /// <summary>Its serial number in hex (upper case, as X509 shows it), or null.</summary>
    string? ClientCertificateSerial { get; }

    /// <summary>Its SHA-256 fingerprint in lower-case hex, or null.</summary>
    string? ClientCertificateFingerprint { get; }

    /// <summary><c>ok</c> (a certificate passed the checks) or <c>none</c> (none asked or sent); a refused one ends the handshake.</summary>
    string ClientCertificateVerify { get; }

    /// <summary>ALPN protocols the client offered, in its order.</summary>
    IReadOnlyList<string> OfferedAlpn { get; }

    /// <summary>TLS versions the client offered (<c>tls1.3</c>, <c>tls1.2</c>, …).</summary>
    IReadOnlyList<string> OfferedVersions { get; }

    /// <summary>The ALPN protocol agreed, or null.</summary>
    string? Alpn { get; }

    /// <summary>Whether the handshake resumed a session.</summary>
    bool Resumed { get; }

    /// <summary>In CLIENTSSL_CLIENTHELLO: serve the certificate of this name (one the client-ssl profile lists); false when it lists none by that name.</summary>
    bool UseCertificate(string name);
}
