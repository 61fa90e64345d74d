using System.Security.Cryptography.X509Certificates;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>Client certificate authentication on a client-ssl profile: trusted CA bundle, CRL file, verify depth; request and require.</summary>
public sealed class ClientCertificateTests : IClassFixture<ApplianceFixture>, IDisposable
{
    private readonly ApplianceFixture _f;
    private readonly TestPki _server = new("Server CA");
    private readonly TestPki _clients = new("Client CA");
    private readonly TestPki _stranger = new("Stranger CA");

    public ClientCertificateTests(ApplianceFixture f)
    {
        _f = f;
    }

    public void Dispose()
    {
        _server.Dispose();
        _clients.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task SampleRule_PassesTheVerifiedSubjectToTheMember_AndTlsEventsAreRefusedWithoutClientSsl()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("cc-rule", [be.Port]);
        var source = await File.ReadAllTextAsync(Path.Combine(Fulcrum.Tests.Scripting.SampleRuleTests.RulesDir, "client-cert-header.js"));
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", System.Text.Json.JsonSerializer.Serialize(new { name = "cc-header", source })));
        var good = _clients.Issue(ecdsa: true, serverAuth: false, DateTimeOffset.UtcNow.AddDays(30), "alice");
        var port = await VirtualAsync("cc-rule", "require", "", ",\"rules\":[\"cc-header\"]");
        Assert.StartsWith("HTTP/1.1 200", await TryGetAsync(port, good.Cert));
        Assert.Contains("X-Client-Cert-Subject: CN=alice\r\n", be.Requests.Single(), StringComparison.OrdinalIgnoreCase);
        var fingerprint = Convert.ToHexStringLower(good.Cert.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
        Assert.Contains($"X-Client-Cert-Fingerprint: {fingerprint}\r\n", be.Requests.Single(), StringComparison.OrdinalIgnoreCase);

        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", """{"name":"cc-event","source":"when('CLIENTSSL_HANDSHAKE', ctx => {});"}"""));
        var r = await _f.Admin.Post("/api/v1/virtuals", $$"""{"name":"cc-event","destination":"127.0.0.1:{{FreePort.Next()}}","pool":"cc-rule","profiles":["tcp","http"],"rules":["cc-event"]}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("line 1, column 6: the CLIENTSSL_HANDSHAKE handler runs only on virtual servers that terminate TLS, and 'cc-event' has no client-ssl profile", r.Text);
    }

    private async Task<int> VirtualAsync(string name, string mode, string extra = "", string virtualExtra = "")
    {
        var site = _server.Issue(ecdsa: true, "site.test");
        await TestPki.CertificateAsync(_f.Admin, name + "-site", site.Pem, site.Key);
        await TestPki.CertificateAsync(_f.Admin, name + "-ca", _clients.CaPem, null);
        await _f.Admin.ProfileAsync("client-ssl", $$"""{"name":"{{name}}-ssl","certificate":"{{name}}-site","clientCertificate":"{{mode}}","caCertificate":"{{name}}-ca"{{extra}}}""");
        return await _f.Admin.VirtualAsync(name, name, $"\"tcp\",\"http\",\"{name}-ssl\"", virtualExtra);
    }

    /// <summary>The response, or null when the proxy refused the client (at the handshake, or with an alert right after it in TLS 1.3).</summary>
    private static async Task<string?> TryGetAsync(int port, X509Certificate2? clientCertificate)
    {
        try
        {
            var (stream, _) = await TlsClients.ConnectAsync(port, "site.test", clientCertificate: clientCertificate);
            await using (stream)
            {
                var response = await TlsClients.GetAsync(stream, "site.test");
                return response.Length == 0 ? null : response;
            }
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Require_AcceptsATrustedCertificate_RefusesUntrustedRevokedAndNone()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("cc-req", [be.Port]);
        var good = _clients.Issue(ecdsa: true, serverAuth: false, DateTimeOffset.UtcNow.AddDays(30), "alice");
        var revoked = _clients.Issue(ecdsa: false, serverAuth: false, DateTimeOffset.UtcNow.AddDays(30), "mallory");
        var untrusted = _stranger.Issue(ecdsa: true, serverAuth: false, DateTimeOffset.UtcNow.AddDays(30), "eve");
        var crl = _clients.CrlFile("clients.crl", revoked.Cert);
        var port = await VirtualAsync("cc-req", "require", $$""","crlFile":"{{crl}}" """);

        Assert.StartsWith("HTTP/1.1 200", await TryGetAsync(port, good.Cert));
        Assert.Null(await TryGetAsync(port, untrusted.Cert));
        Assert.Null(await TryGetAsync(port, revoked.Cert));
        Assert.Null(await TryGetAsync(port, null));

        // From outside too: openssl s_client with the good certificate gets the response.
        var certFile = _clients.WriteFile("alice.pem", good.Pem);
        var keyFile = _clients.WriteFile("alice.key", good.Key);
        var curl = await Shell.Run("curl", "-sS", "--cacert", _server.CaFile, "--cert", certFile, "--key", keyFile, "--resolve", $"site.test:{port}:127.0.0.1", $"https://site.test:{port}/");
        Assert.Equal("ok", curl);

        Assert.Equal(1, await FailuresAsync("cc-req", "unknown-ca", 1));
        Assert.Equal(2, await FailuresAsync("cc-req", "bad-certificate", 2));
        Assert.Equal(2, be.Requests.Count);
    }

    [Fact]
    public async Task Request_AcceptsNoCertificate_ButNotABadOne()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("cc-opt", [be.Port]);
        var untrusted = _stranger.Issue(ecdsa: true, serverAuth: false, DateTimeOffset.UtcNow.AddDays(30), "eve");
        var port = await VirtualAsync("cc-opt", "request");
        Assert.StartsWith("HTTP/1.1 200", await TryGetAsync(port, null));
        Assert.Null(await TryGetAsync(port, untrusted.Cert));
        Assert.Equal(1, await FailuresAsync("cc-opt", "unknown-ca", 1));
    }

    [Fact]
    public async Task ACrlNotSignedByTheCa_IsRefusedAtSave()
    {
        var crl = _stranger.CrlFile("stranger.crl");
        await TestPki.CertificateAsync(_f.Admin, "cc-bad-ca", _clients.CaPem, null);
        var r = await _f.Admin.Post("/api/v1/profiles/client-ssl", $$"""{"name":"cc-bad","clientCertificate":"require","caCertificate":"cc-bad-ca","crlFile":"{{crl}}"}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("profiles/client-ssl/cc-bad/crlFile", r.Text);
        Assert.Contains("not one of the trusted CA certificates", r.Text);
    }

    private async Task<long> FailuresAsync(string @virtual, string reason, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var tls = (await _f.Admin.VirtualStatusAsync(@virtual)).GetProperty("tls");
            var n = tls.GetProperty("failures").TryGetProperty(reason, out var v) ? v.GetInt64() : 0;
            if (n >= expected || DateTime.UtcNow > deadline)
            {
                return n;
            }
            await Task.Delay(50);
        }
    }
}
