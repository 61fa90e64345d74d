using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary><c>ctx.server.ssl</c>: the finished handshake toward the member.</summary>
internal sealed class ServerTlsRuleFacts(ServerTlsStream ssl) : IRuleServerSsl
{
    public ServerTlsStream Stream => ssl;

    public string? ServerName => ssl.ServerName;

    public string Protocol => TlsRuleFacts.ProtocolName(ssl.SslProtocol);

    public string Cipher => ssl.NegotiatedCipherSuite.ToString();

    public bool Resumed => ssl.Resumed;

    public string? CertificateSubject => ssl.RemoteCertificate?.Subject;

    public string? CertificateIssuer => ssl.RemoteCertificate?.Issuer;

    public string? CertificateFingerprint => ssl.RemoteCertificate is { } cert ? Convert.ToHexStringLower(cert.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)) : null;

    public string Verify => ssl.Verified ? "ok" : "none";
}
