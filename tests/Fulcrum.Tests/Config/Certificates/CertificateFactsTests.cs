using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fulcrum.Appliance.Config.Certificates;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Tests.Config.Certificates;

/// <summary>What a certificate's PEM says: key type names, days left, expiry flag and warnings at a given time.</summary>
public sealed class CertificateFactsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static string Pem(AsymmetricAlgorithm key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest("CN=facts.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest("CN=facts.test", ec, HashAlgorithmName.SHA256),
            _ => throw new NotSupportedException(),
        };
        using var cert = request.CreateSelfSigned(notBefore, notAfter);
        return cert.ExportCertificatePem();
    }

    public static TheoryData<string> KeyTypes() => ["rsa-2048", "rsa-3072", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521"];

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void KeyType_NamesAlgorithmAndSize(string expected)
    {
        using AsymmetricAlgorithm key = expected switch
        {
            "rsa-2048" => RSA.Create(2048),
            "rsa-3072" => RSA.Create(3072),
            "ecdsa-p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            "ecdsa-p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        };

        var facts = CertificateFacts.Read(Pem(key, Now.AddDays(-1), Now.AddDays(100)))!;

        Assert.Equal(expected, facts.KeyType);
    }

    [Theory]
    [InlineData(300, 299, false, 0)]
    [InlineData(31, 30, false, 0)]
    [InlineData(10, 9, true, 1)]
    [InlineData(-2, -3, true, 1)]
    public void Expiry_DaysLeftFlagAndWarnings(double days, int daysLeft, bool expiring, int warnings)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var facts = CertificateFacts.Of(new Certificate { Name = "c", Pem = Pem(key, Now.AddDays(-400), Now.AddDays(days).AddMinutes(-1)) })!;

        Assert.Equal(daysLeft, facts.DaysLeft(Now));
        Assert.Equal(expiring, facts.Expiring(Now));
        Assert.Equal(warnings, facts.Warnings(Now).Length);
    }

    [Fact]
    public void Warnings_NotYetValid_Said()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var facts = CertificateFacts.Read(Pem(key, Now.AddDays(2), Now.AddDays(300)))!;

        Assert.Contains(facts.Warnings(Now), w => w.StartsWith("not valid before", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NotPem_Null()
    {
        Assert.Null(CertificateFacts.Read("not a certificate"));
    }
}
