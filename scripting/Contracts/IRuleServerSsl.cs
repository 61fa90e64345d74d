namespace Fulcrum.Scripting.Contracts;

/// <summary>TLS facts of the connection to the member (with a server-ssl profile): <c>ctx.server.ssl</c>.</summary>
public interface IRuleServerSsl
{
    /// <summary>The SNI name sent to the member, or null when none was sent.</summary>
    string? ServerName { get; }

    /// <summary><c>tls1.3</c>, <c>tls1.2</c>.</summary>
    string Protocol { get; }

    string Cipher { get; }

    /// <summary>Whether the handshake resumed a session the proxy held for this member.</summary>
    bool Resumed { get; }

    /// <summary>The member's certificate subject, or null when it sent none.</summary>
    string? CertificateSubject { get; }

    string? CertificateIssuer { get; }

    /// <summary>SHA-256 fingerprint in lower-case hex, or null.</summary>
    string? CertificateFingerprint { get; }

    /// <summary><c>ok</c> when the profile verified the member's certificate (verifyServer), <c>none</c> when it does not check.</summary>
    string Verify { get; }
}
