namespace Fulcrum.Scripting.Contracts;

/// <summary>TLS facts of the client side (with a client-ssl profile).</summary>
public interface IRuleSsl
{
    string? ServerName { get; }
    string? Protocol { get; }
    string? Cipher { get; }
    /// <summary>The client certificate's subject, or null.</summary>
    string? ClientCertificateSubject { get; }
}
