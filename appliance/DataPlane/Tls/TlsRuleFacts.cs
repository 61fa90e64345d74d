using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Wire.Tls;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary><c>ctx.ssl</c> for rules on a virtual server that terminates TLS: the ClientHello, then the finished handshake.</summary>
internal sealed class TlsRuleFacts : IRuleSsl
{
    private readonly ClientTlsStream _ssl;

    public TlsRuleFacts(ClientTlsStream ssl) => _ssl = ssl;

    public string? ServerName => _ssl.ClientHello?.ServerName ?? (string.IsNullOrEmpty(_ssl.TargetHostName) ? null : _ssl.TargetHostName);

    public string? Protocol => !_ssl.IsAuthenticated ? null : ProtocolName(_ssl.SslProtocol);

    /// <summary>The names profiles use (<c>tls1.3</c>, <c>tls1.2</c>).</summary>
    public static string ProtocolName(System.Security.Authentication.SslProtocols protocol) => protocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "tls1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "tls1.2",
        var p => p.ToString(),
    };

    public string? Cipher => _ssl.IsAuthenticated ? _ssl.NegotiatedCipherSuite.ToString() : null;

    /// <summary>Only a certificate that passed the profile's checks (with clientCertificate request or require).</summary>
    public string? ClientCertificateSubject => _ssl.IsAuthenticated && _ssl.VerifyResult == "ok" ? _ssl.RemoteCertificate?.Subject : null;

    public string? ClientCertificateIssuer => Verified?.Issuer;

    public string? ClientCertificateSerial => Verified?.GetSerialNumberString();

    public string? ClientCertificateFingerprint => Verified is { } cert ? Convert.ToHexStringLower(cert.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)) : null;

    public string ClientCertificateVerify => _ssl.IsAuthenticated && _ssl.VerifyResult == "ok" ? "ok" : "none";

    /// <summary>The client certificate, only when it passed the profile's checks.</summary>
    private System.Security.Cryptography.X509Certificates.X509Certificate? Verified => _ssl.IsAuthenticated && _ssl.VerifyResult == "ok" ? _ssl.RemoteCertificate : null;

    public IReadOnlyList<string> OfferedAlpn => _ssl.ClientHello?.Alpn ?? [];

    public IReadOnlyList<string> OfferedVersions => _ssl.ClientHello is { } hello ? [.. hello.Versions.Select(TlsClientHello.VersionName).OfType<string>()] : [];

    public string? Alpn => _ssl.IsAuthenticated && _ssl.NegotiatedApplicationProtocol.Protocol.Length > 0 ? _ssl.NegotiatedApplicationProtocol.ToString() : null;

    public bool Resumed => _ssl.Resumed;

    public bool UseCertificate(string name)
    {
        if (_ssl.IsAuthenticated || _ssl.Material.ByName(name) is not { } options)
        {
            return false;
        }
        _ssl.ChosenCertificate = options;
        return true;
    }
}
