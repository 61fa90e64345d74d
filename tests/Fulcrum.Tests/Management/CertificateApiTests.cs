using System.Net;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>Certificates and keys through the real appliance: what the API shows, what it refuses, PKCS#12 upload.</summary>
public sealed class CertificateApiTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public CertificateApiTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    private Task<ApiClient.Response> Create(object body) => _api.Post("/api/v1/certificates", JsonSerializer.Serialize(body));

    private static string[] Fields(ApiClient.Response r) =>
        [.. r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!)];

    [Theory]
    [InlineData(true, "rsa-2048")]
    [InlineData(false, "ecdsa-p256")]
    public async Task Create_RsaOrEcdsa_ShowsDerivedFieldsNeverTheKey(bool rsa, string keyType)
    {
        var ca = TestPki.Ca();
        var leaf = TestPki.Leaf($"{keyType}.example.test", ca, rsa);
        var name = $"derived-{keyType}";

        var created = await Create(new { name, pem = leaf.Pem + ca.Pem, key = leaf.KeyPem });

        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        var read = (await _api.Get($"/api/v1/certificates/{name}")).Json;
        Assert.Equal(keyType, read.GetProperty("keyType").GetString());
        Assert.Equal($"CN={keyType}.example.test", read.GetProperty("subject").GetString());
        Assert.Equal("CN=Fulcrum Test CA", read.GetProperty("issuer").GetString());
        Assert.Equal($"{keyType}.example.test", read.GetProperty("subjectAltNames")[0].GetString());
        Assert.Equal(leaf.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), read.GetProperty("fingerprintSha256").GetString());
        Assert.True(read.GetProperty("hasKey").GetBoolean());
        Assert.Equal(0, read.GetProperty("warnings").GetArrayLength());
        Assert.False(read.TryGetProperty("key", out _));
        Assert.DoesNotContain("PRIVATE KEY", read.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_KeyOfAnotherCertificate_422NamingKey()
    {
        var mine = TestPki.Leaf("mine.example.test");
        var other = TestPki.Leaf("other.example.test");

        var r = await Create(new { name = "mismatch", pem = mine.Pem, key = other.KeyPem });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal(["certificates/mismatch/key"], Fields(r));
    }

    [Fact]
    public async Task Create_NotPem_422NamingPem()
    {
        var r = await Create(new { name = "notpem", pem = "hello, I am not a certificate" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal(["certificates/notpem/pem"], Fields(r));
    }

    [Fact]
    public async Task Create_ChainOutOfOrder_422NamingPem_InOrderAccepted()
    {
        var root = TestPki.Ca("Root CA");
        var intermediate = TestPki.Leaf("intermediate.ca.test", root);
        var leaf = TestPki.Leaf("chain.example.test", intermediate);
        // Leaf, root, intermediate: the leaf's issuer is not the next one.
        var wrong = await Create(new { name = "unordered", pem = leaf.Pem + root.Pem + intermediate.Pem, key = leaf.KeyPem });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Equal(["certificates/unordered/pem"], Fields(wrong));
        Assert.Contains("out of order", wrong.Text, StringComparison.Ordinal);

        var right = await Create(new { name = "ordered", pem = leaf.Pem + intermediate.Pem + root.Pem, key = leaf.KeyPem });
        Assert.True(right.Status == HttpStatusCode.Created, right.Text);
    }

    [Fact]
    public async Task Create_Rsa1024_422NamingPem()
    {
        using var key = System.Security.Cryptography.RSA.Create(1024);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=weak.example.test", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var r = await Create(new { name = "weak", pem = cert.ExportCertificatePem(), key = key.ExportPkcs8PrivateKeyPem() });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal(["certificates/weak/pem"], Fields(r));
        Assert.Contains("2048", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Expired_AcceptedWithWarning()
    {
        var old = TestPki.Leaf("old.example.test", days: -2);

        var r = await Create(new { name = "expired", pem = old.Pem, key = old.KeyPem });

        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        Assert.Contains("expired", r.Json.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Create_Pkcs12_StoredAsPemChainAndKey(bool rsa)
    {
        var ca = TestPki.Ca(rsa: rsa);
        var leaf = TestPki.Leaf("p12.example.test", ca, rsa);
        var name = rsa ? "p12-rsa" : "p12-ec";

        var r = await Create(new { name, pkcs12 = TestPki.Pkcs12(leaf, "s3cret", ca), passphrase = "s3cret" });

        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        Assert.True(r.Json.GetProperty("hasKey").GetBoolean());
        Assert.Equal(rsa ? "rsa-2048" : "ecdsa-p256", r.Json.GetProperty("keyType").GetString());
        var pem = r.Json.GetProperty("pem").GetString()!;
        Assert.Equal(2, pem.Split("BEGIN CERTIFICATE").Length - 1);
        Assert.StartsWith(leaf.Certificate.ExportCertificatePem(), pem, StringComparison.Ordinal);
        Assert.False(r.Json.TryGetProperty("pkcs12", out _));
        Assert.False(r.Json.TryGetProperty("passphrase", out _));
    }

    [Fact]
    public async Task Create_Pkcs12WrongPassphrase_422NamingPassphrase()
    {
        var leaf = TestPki.Leaf("p12.example.test");

        var r = await Create(new { name = "p12-wrong", pkcs12 = TestPki.Pkcs12(leaf, "right"), passphrase = "wrong" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal(["certificates/p12-wrong/passphrase"], Fields(r));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Get("/api/v1/certificates/p12-wrong")).Status);
    }

    [Fact]
    public async Task Create_Pkcs12NotAFile_422NamingPkcs12()
    {
        var r = await Create(new { name = "p12-bad", pkcs12 = Convert.ToBase64String("not a p12"u8.ToArray()), passphrase = "x" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal(["certificates/p12-bad/pkcs12"], Fields(r));
    }
}
