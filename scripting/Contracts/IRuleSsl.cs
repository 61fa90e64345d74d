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
