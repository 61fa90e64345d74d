using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary><c>ctx.ssl</c> for rules on a virtual server that terminates TLS: read from the finished handshake.</summary>
internal sealed class TlsRuleFacts : IRuleSsl
{
    private readonly ClientTlsStream _ssl;

    public TlsRuleFacts(ClientTlsStream ssl) => _ssl = ssl;

    public string? ServerName => _ssl.ClientHello?.ServerName ?? (string.IsNullOrEmpty(_ssl.TargetHostName) ? null : _ssl.TargetHostName);

    public string? Protocol => _ssl.SslProtocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "tls1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "tls1.2",
        var p => p.ToString(),
    };

    public string? Cipher => _ssl.NegotiatedCipherSuite.ToString();

    /// <summary>Only a certificate that passed the profile's checks (with clientCertificate request or require).</summary>
    public string? ClientCertificateSubject => _ssl.VerifyResult == "ok" ? _ssl.RemoteCertificate?.Subject : null;
}
