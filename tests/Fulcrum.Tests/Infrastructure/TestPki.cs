using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fulcrum.Tests.Infrastructure;

/// <summary>Certificates made in the test: a CA and leaves signed by it, RSA or ECDSA, with the validity asked for.</summary>
public static class TestPki
{
    public sealed record Issued(X509Certificate2 Certificate, AsymmetricAlgorithm Key)
    {
        public string Pem => Certificate.ExportCertificatePem() + "\n";

        public string KeyPem => Key.ExportPkcs8PrivateKeyPem();
    }

    public static AsymmetricAlgorithm NewKey(bool rsa) => rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static Issued Ca(string cn = "Fulcrum Test CA", bool rsa = false)
    {
        var key = NewKey(rsa);
        var request = Request($"CN={cn}", key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        return new Issued(cert, key);
    }

    /// <summary>A leaf for <paramref name="dns"/> signed by <paramref name="ca"/> (self-signed when null), valid from yesterday for <paramref name="days"/>.</summary>
    public static Issued Leaf(string dns, Issued? ca = null, bool rsa = false, double days = 300)
    {
        var key = NewKey(rsa);
        var request = Request($"CN={dns}", key);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dns);
        request.CertificateExtensions.Add(san.Build());
        var notBefore = DateTimeOffset.UtcNow.AddDays(Math.Min(-1, days - 1));
        var notAfter = DateTimeOffset.UtcNow.AddDays(days);
        X509Certificate2 cert;
        if (ca is null)
        {
            cert = request.CreateSelfSigned(notBefore, notAfter);
        }
        else
        {
            var serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7f;
            var signer = ca.Key switch
            {
                RSA r => X509SignatureGenerator.CreateForRSA(r, RSASignaturePadding.Pkcs1),
                ECDsa e => X509SignatureGenerator.CreateForECDsa(e),
                _ => throw new NotSupportedException(),
            };
            cert = request.Create(ca.Certificate.SubjectName, signer, notBefore, notAfter, serial);
        }
        return new Issued(cert, key);
    }

    /// <summary>A PKCS#12 file holding <paramref name="leaf"/> with its key and <paramref name="chain"/>, as base64.</summary>
    public static string Pkcs12(Issued leaf, string passphrase, params Issued[] chain)
    {
        var collection = new X509Certificate2Collection { WithKey(leaf) };
        foreach (var c in chain)
        {
            collection.Add(c.Certificate);
        }
        return Convert.ToBase64String(collection.Export(X509ContentType.Pkcs12, passphrase)!);
    }

    private static X509Certificate2 WithKey(Issued leaf) => leaf.Certificate.HasPrivateKey ? leaf.Certificate : leaf.Key switch
    {
        RSA rsa => leaf.Certificate.CopyWithPrivateKey(rsa),
        ECDsa ec => leaf.Certificate.CopyWithPrivateKey(ec),
        _ => throw new NotSupportedException(),
    };

    private static CertificateRequest Request(string subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        _ => throw new NotSupportedException(),
    };
}
