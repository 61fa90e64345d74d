using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fulcrum.BrowserTests.Infrastructure;

/// <summary>A self-signed certificate made for the test run: CN=fulcrum.test, SANs www.fulcrum.test and 127.0.0.1.</summary>
public static class TestCertificate
{
    private static readonly Lazy<(string Pem, string Key)> Made = new(Make);

    public static string Pem => Made.Value.Pem;
    public static string Key => Made.Value.Key;

    private static (string, string) Make()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fulcrum.test", key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("www.fulcrum.test");
        sans.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(sans.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
