using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Client certificate authentication of a client-ssl profile (<c>clientCertificate</c> request or require): the chain is
/// built against the profile's CA bundle only (custom root trust, no download of missing issuers, no online revocation),
/// limited to <c>verifyDepth</c> certificates above the client's, and checked against the CRL file. Runs inside the
/// handshake, on the loop: CPU only, no I/O.
/// </summary>
public sealed class ClientCertificateVerifier
{
    private readonly X509Certificate2Collection _trusted;
    private readonly CertificateRevocationList? _crl;
    private readonly int _depth;
    private readonly bool _required;

    public ClientCertificateVerifier(X509Certificate2Collection trusted, CertificateRevocationList? crl, int depth, bool required)
    {
        _trusted = trusted;
        _crl = crl;
        _depth = depth;
        _required = required;
    }

    /// <summary>SslStream's callback; the sender is the connection's <see cref="ClientTlsStream"/>.</summary>
    public static readonly RemoteCertificateValidationCallback Callback = static (sender, certificate, chain, _) =>
    {
        var stream = (ClientTlsStream)sender;
        return stream.Material.Verifier!.Check(stream, certificate as X509Certificate2 ?? (certificate is null ? null : new X509Certificate2(certificate)), chain);
    };

    private bool Check(ClientTlsStream stream, X509Certificate2? cert, X509Chain? sent)
    {
        if (cert is null)
        {
            stream.VerifyResult = _required ? "missing" : "none";
            return Refuse(stream, _required, TlsFailureReason.BadCertificate);
        }
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_trusted);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        if (sent is not null)
        {
            // The intermediates the client sent (SslStream put them in the chain it built).
            foreach (var element in sent.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, cert))
                {
                    policy.ExtraStore.Add(element.Certificate);
                }
            }
        }
        if (!chain.Build(cert))
        {
            var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status);
            if ((status & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                stream.VerifyResult = "untrusted";
                return Refuse(stream, true, TlsFailureReason.UnknownCa);
            }
            stream.VerifyResult = (status & X509ChainStatusFlags.NotTimeValid) != 0 ? "expired" : "invalid";
            return Refuse(stream, true, TlsFailureReason.BadCertificate);
        }
        if (chain.ChainElements.Count - 1 > _depth)
        {
            stream.VerifyResult = "depth";
            return Refuse(stream, true, TlsFailureReason.BadCertificate);
        }
        if (_crl is not null && _crl.IsRevoked(cert))
        {
            stream.VerifyResult = "revoked";
            return Refuse(stream, true, TlsFailureReason.BadCertificate);
        }
        stream.VerifyResult = "ok";
        return true;
    }

    /// <summary>
    /// A certificate that fails is refused in both modes (in request mode a client may send none, not a bad one), as
    /// nginx's <c>ssl_verify_client on|optional</c> do.
    /// </summary>
    private static bool Refuse(ClientTlsStream stream, bool refuse, TlsFailureReason reason)
    {
        if (refuse)
        {
            stream.CertificateFailure = reason;
        }
        return !refuse;
    }
}
