using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>
/// The client-ssl layer end to end: a real fulcrum process terminating TLS, checked with SslStream, openssl s_client
/// and curl; certificates from a test CA.
/// </summary>
public sealed class ClientSslTests : IClassFixture<ApplianceFixture>, IDisposable
{
    private readonly ApplianceFixture _f;
    private readonly TestPki _pki = new();

    public ClientSslTests(ApplianceFixture f)
    {
        _f = f;
    }

    public void Dispose() => _pki.Dispose();

    /// <summary>Certificates: default (default.test), exact (a.example.test), wildcard (*.w.example.test); a client-ssl profile with <paramref name="extra"/> fields.</summary>
    private async Task<string> ProfileAsync(string name, string extra = "")
    {
        var d = _pki.Issue(ecdsa: true, "default.test");
        var a = _pki.Issue(ecdsa: false, "a.example.test");
        var w = _pki.Issue(ecdsa: true, "*.w.example.test");
        await TestPki.CertificateAsync(_f.Admin, name + "-default", d.Pem, d.Key);
        await TestPki.CertificateAsync(_f.Admin, name + "-a", a.Pem, a.Key);
        await TestPki.CertificateAsync(_f.Admin, name + "-w", w.Pem, w.Key);
        await _f.Admin.ProfileAsync("client-ssl", $$"""{"name":"{{name}}","certificate":"{{name}}-default","sniCertificates":["{{name}}-a","{{name}}-w"]{{extra}}}""");
        return name;
    }

    [Fact]
    public async Task Sni_PicksExactWildcardOrDefault_AndTheMemberSeesPlainHttpWithForwardedProtoHttps()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-sni", [be.Port]);
        await _f.Admin.ProfileAsync("http", """{"name":"tls-sni-http","insertXForwardedProto":true}""");
        var ssl = await ProfileAsync("tls-sni-ssl");
        var port = await _f.Admin.VirtualAsync("tls-sni", "tls-sni", $"\"tcp\",\"tls-sni-http\",\"{ssl}\"");

        foreach (var (sni, expected) in new[] { ("a.example.test", "CN=a.example.test"), ("x.w.example.test", "CN=*.w.example.test"), ("A.EXAMPLE.TEST", "CN=a.example.test"), ("other.test", "CN=default.test"), ("y.x.w.example.test", "CN=default.test"), (null, "CN=default.test") })
        {
            var (stream, cert) = await TlsClients.ConnectAsync(port, sni);
            await using (stream)
            {
                Assert.True(expected == cert.Subject, $"SNI {sni ?? "(none)"}: got {cert.Subject}");
                var response = await TlsClients.GetAsync(stream, "h");
                Assert.StartsWith("HTTP/1.1 200", response);
            }
        }
        Assert.All(be.Requests, r => Assert.Contains("X-Forwarded-Proto: https\r\n", r));

        // curl, verifying the chain against the test CA and the name.
        var curl = await Shell.Run("curl", "-sS", "--cacert", _pki.CaFile, "--resolve", $"a.example.test:{port}:127.0.0.1", $"https://a.example.test:{port}/curl");
        Assert.Equal("ok", curl);

        var status = await _f.Admin.VirtualStatusAsync("tls-sni");
        Assert.Equal(7, status.GetProperty("tls").GetProperty("handshakes").GetInt64());
        var metrics = (await _f.Admin.Get("/metrics")).Text;
        Assert.Contains("fulcrum_virtual_tls_handshakes_total{virtual=\"tls-sni\"} 7", metrics);
    }

    [Fact]
    public async Task L4Virtual_TerminatesTls_AndEchoesPlaintext()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("tls-l4", [be.Port]);
        var ssl = await ProfileAsync("tls-l4-ssl");
        var port = await _f.Admin.VirtualAsync("tls-l4", "tls-l4", $"\"tcp\",\"{ssl}\"");
        var (stream, _) = await TlsClients.ConnectAsync(port, "a.example.test");
        await using (stream)
        {
            var payload = KestrelBackend.Pattern(200_000);
            var send = stream.WriteAsync(payload).AsTask();
            var got = new byte[payload.Length];
            var read = 0;
            while (read < got.Length)
            {
                var n = await stream.ReadAsync(got.AsMemory(read));
                Assert.True(n > 0);
                read += n;
            }
            await send;
            Assert.Equal(payload, got);
        }
    }

    [Fact]
    public async Task Protocols_AndCiphers_AreWhatTheProfileSays_FromOutside()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-ciph", [be.Port]);
        var ssl = await ProfileAsync("tls-ciph-ssl", ""","ciphers":"TLS_AES_256_GCM_SHA384:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" """);
        var port = await _f.Admin.VirtualAsync("tls-ciph", "tls-ciph", $"\"tcp\",\"http\",\"{ssl}\"");

        Assert.Equal("TLS_AES_256_GCM_SHA384", TlsClients.Negotiated(await TlsClients.OpenSslAsync(port, "-tls1_3")));
        Assert.Null(TlsClients.Negotiated(await TlsClients.OpenSslAsync(port, "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256")));
        Assert.Equal("ECDHE-ECDSA-AES256-GCM-SHA384", TlsClients.Negotiated(await TlsClients.OpenSslAsync(port, "-tls1_2")));
        Assert.Null(TlsClients.Negotiated(await TlsClients.OpenSslAsync(port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")));

        // A TLS 1.3-only profile refuses TLS 1.2.
        var only13 = await ProfileAsync("tls-13-ssl", ""","protocols":["tls1.3"]""");
        var port13 = await _f.Admin.VirtualAsync("tls-13", "tls-ciph", $"\"tcp\",\"http\",\"{only13}\"");
        Assert.Null(TlsClients.Negotiated(await TlsClients.OpenSslAsync(port13, "-tls1_2")));
        Assert.NotNull(TlsClients.Negotiated(await TlsClients.OpenSslAsync(port13, "-tls1_3")));

        Assert.Equal(2, await TlsFailuresAsync("tls-ciph", "no-shared-cipher", 2));
        Assert.Equal(1, await TlsFailuresAsync("tls-13", "protocol-version", 1));
        Assert.Equal(0, be.Connections);
    }

    [Fact]
    public async Task Alpn_AnswersHttp11_AndH2IsRefusedAtSave()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-alpn", [be.Port]);
        var ssl = await ProfileAsync("tls-alpn-ssl");
        var port = await _f.Admin.VirtualAsync("tls-alpn", "tls-alpn", $"\"tcp\",\"http\",\"{ssl}\"");
        var output = await TlsClients.OpenSslAsync(port, "-alpn", "h2,http/1.1");
        Assert.Contains("ALPN protocol: http/1.1", output);

        var r = await _f.Admin.Post("/api/v1/profiles/client-ssl", """{"name":"tls-h2","alpn":["h2","http/1.1"]}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("profiles/client-ssl/tls-h2/alpn/0", r.Text);
        Assert.Contains("HTTP/2 is not served", r.Text);
    }

    [Fact]
    public async Task Garbage_MidHandshakeStop_AndTls10Only_AreClosed_CountedByReason_WithoutAMemberConnection()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-bad", [be.Port]);
        var ssl = await ProfileAsync("tls-bad-ssl");
        var port = await _f.Admin.VirtualAsync("tls-bad", "tls-bad", $"\"tcp\",\"http\",\"{ssl}\"");

        // Plain HTTP to a TLS port: an alert or a close, never an HTTP answer.
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", TimeSpan.FromSeconds(5));
        Assert.True(closed);
        Assert.DoesNotContain("HTTP/1.1", text);

        // A ClientHello cut short, then the client goes away.
        using (var s = await RawClient.ConnectAsync(port))
        {
            await s.SendAsync(Tls10ClientHello().AsMemory(0, 20));
            s.Shutdown(SocketShutdown.Send);
            var (_, c2) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(5));
            Assert.True(c2);
        }

        // A client that offers TLS 1.0 only gets a protocol_version alert (21 = alert, 70 = protocol_version).
        using (var s = await RawClient.ConnectAsync(port))
        {
            await s.SendAsync(Tls10ClientHello());
            var buffer = new byte[64];
            var n = await s.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.True(n >= 7, "an alert record");
            Assert.Equal(21, buffer[0]);
            Assert.Equal(70, buffer[6]);
        }

        Assert.True(1 == await TlsFailuresAsync("tls-bad", "not-tls", 1), (await _f.Admin.VirtualStatusAsync("tls-bad")).ToString());
        Assert.Equal(1, await TlsFailuresAsync("tls-bad", "closed", 1));
        Assert.Equal(1, await TlsFailuresAsync("tls-bad", "protocol-version", 1));
        Assert.Equal(0, be.Connections);
    }

    [Fact]
    public async Task HandshakeTimeout_ClosesASilentClient_AndMaxHandshakes_RefusesTheOneOver()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-slow", [be.Port]);
        var ssl = await ProfileAsync("tls-slow-ssl", ""","handshakeTimeout":1,"maxHandshakes":1""");
        var port = await _f.Admin.VirtualAsync("tls-slow", "tls-slow", $"\"tcp\",\"http\",\"{ssl}\"");

        using var silent = await RawClient.ConnectAsync(port);
        await WaitAsync(async () => (await _f.Admin.VirtualStatusAsync("tls-slow")).GetProperty("tls").GetProperty("inFlight").GetInt32() == 1);
        // The second handshake is over the limit: closed at once.
        using (var second = await RawClient.ConnectAsync(port))
        {
            var (_, closed) = await RawClient.ReadToCloseAsync(second, TimeSpan.FromSeconds(3));
            Assert.True(closed);
        }
        var started = DateTime.UtcNow;
        var (_, c) = await RawClient.ReadToCloseAsync(silent, TimeSpan.FromSeconds(5));
        Assert.True(c);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0, 3);
        Assert.Equal(1, await TlsFailuresAsync("tls-slow", "limit", 1));
        Assert.Equal(1, await TlsFailuresAsync("tls-slow", "timeout", 1));

        // After both, a handshake goes through.
        var (stream, _) = await TlsClients.ConnectAsync(port, "a.example.test");
        await using (stream)
        {
            Assert.StartsWith("HTTP/1.1 200", await TlsClients.GetAsync(stream, "h"));
        }
    }

    [Fact]
    public async Task CookieInsert_IsSecure_OverTls()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-ck", [be.Port]);
        await _f.Admin.ProfileAsync("persistence", """{"name":"tls-ck-p","method":"cookie","cookieName":"srv"}""");
        var ssl = await ProfileAsync("tls-ck-ssl");
        var port = await _f.Admin.VirtualAsync("tls-ck", "tls-ck", $"\"tcp\",\"http\",\"{ssl}\"", ",\"persistence\":\"tls-ck-p\"");
        var (stream, _) = await TlsClients.ConnectAsync(port, "a.example.test");
        await using (stream)
        {
            var response = await TlsClients.GetAsync(stream, "h");
            var line = response.Split("\r\n").Single(l => l.StartsWith("Set-Cookie: srv", StringComparison.Ordinal));
            Assert.Contains("; Secure", line);
        }
    }

    [Theory]
    [InlineData("""{"name":"tls-v1","ciphers":"NOT_A_SUITE"}""", "ciphers", "unknown cipher suite")]
    [InlineData("""{"name":"tls-v2","ciphers":"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}""", "ciphers", "no TLS 1.3 suite")]
    [InlineData("""{"name":"tls-v3","alpn":["spdy/3"]}""", "alpn/0", "unknown ALPN protocol")]
    [InlineData("""{"name":"tls-v4","handshakeTimeout":0}""", "handshakeTimeout", "")]
    [InlineData("""{"name":"tls-v5","maxHandshakes":-1}""", "maxHandshakes", "")]
    public async Task BadProfile_IsRefused_NamingTheField(string body, string field, string words)
    {
        var r = await _f.Admin.Post("/api/v1/profiles/client-ssl", body);
        Assert.Equal(422, r.Code);
        var name = JsonDocument.Parse(body).RootElement.GetProperty("name").GetString();
        Assert.Contains($"profiles/client-ssl/{name}/{field}", r.Text);
        Assert.Contains(words, r.Text);
    }

    [Fact]
    public async Task RsaAndEcdsaForOneName_EachClientGetsTheCertificateItCanTake()
    {
        var rsa = _pki.Issue(ecdsa: false, "dual.test");
        var ec = _pki.Issue(ecdsa: true, "dual.test");
        await TestPki.CertificateAsync(_f.Admin, "dual-rsa", rsa.Pem, rsa.Key);
        await TestPki.CertificateAsync(_f.Admin, "dual-ec", ec.Pem, ec.Key);
        await _f.Admin.ProfileAsync("client-ssl", """{"name":"dual","certificate":"dual-rsa","sniCertificates":["dual-ec"]}""");
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tls-dual", [be.Port]);
        var port = await _f.Admin.VirtualAsync("tls-dual", "tls-dual", "\"tcp\",\"http\",\"dual\"");

        // The key size openssl reports tells the certificate: P-256 (ECDSA) or 2048-bit RSA.
        foreach (var (args, bits) in new[]
        {
            ("-servername dual.test -tls1_3", 256),
            ("-servername dual.test -tls1_3 -sigalgs rsa_pss_rsae_sha256:rsa_pkcs1_sha256", 2048),
            ("-servername dual.test -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256", 256),
            ("-servername dual.test -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", 2048),
            ("-noservername -tls1_3", 256),
            ("-noservername -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", 2048),
        })
        {
            var output = await TlsClients.OpenSslAsync(port, args);
            Assert.True(output.Contains($"Server public key is {bits} bit", StringComparison.Ordinal), $"{args}: expected a {bits}-bit key\n{output}");
        }
        // .NET's client offers ECDSA.
        var (stream, cert) = await TlsClients.ConnectAsync(port, "dual.test");
        await using (stream)
        {
            Assert.Equal("1.2.840.10045.2.1", cert.PublicKey.Oid.Value);
            Assert.StartsWith("HTTP/1.1 200", await TlsClients.GetAsync(stream, "dual.test"));
        }
    }

    [Fact]
    public async Task AVirtualWithoutCertificate_IsRefused()
    {
        await _f.Admin.PoolAsync("tls-refused", [FreePort.Next()]);
        var r = await _f.Admin.Post("/api/v1/virtuals", $$"""{"name":"tls-nocert","destination":"127.0.0.1:{{FreePort.Next()}}","pool":"tls-refused","profiles":["tcp","client-ssl"]}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("has no certificate", r.Text);
    }

    private async Task<long> TlsFailuresAsync(string @virtual, string reason, long expected)
    {
        long n = 0;
        await WaitAsync(async () =>
        {
            var tls = (await _f.Admin.VirtualStatusAsync(@virtual)).GetProperty("tls");
            n = tls.GetProperty("failures").TryGetProperty(reason, out var v) ? v.GetInt64() : 0;
            return n >= expected;
        });
        return n;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>A ClientHello as a TLS 1.0-only client sends it: version 3.1, no supported_versions, one TLS 1.0 suite.</summary>
    private static byte[] Tls10ClientHello()
    {
        var body = new List<byte> { 0x03, 0x01 };
        body.AddRange(new byte[32]); // random
        body.Add(0); // session id
        body.AddRange(new byte[] { 0x00, 0x02, 0x00, 0x2f }); // TLS_RSA_WITH_AES_128_CBC_SHA
        body.AddRange(new byte[] { 0x01, 0x00 }); // null compression
        var hs = new List<byte> { 0x01, 0, (byte)(body.Count >> 8), (byte)body.Count };
        hs.AddRange(body);
        var record = new List<byte> { 0x16, 0x03, 0x01, (byte)(hs.Count >> 8), (byte)hs.Count };
        record.AddRange(hs);
        return [.. record];
    }
}
