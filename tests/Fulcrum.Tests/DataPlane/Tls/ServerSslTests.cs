using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>The server-ssl layer: re-encryption toward TLS members with SNI, member certificate verification.</summary>
public sealed class ServerSslTests : IClassFixture<ApplianceFixture>, IDisposable
{
    private readonly ApplianceFixture _f;
    private readonly TestPki _pki = new("Member CA");
    private readonly TestPki _other = new("Other CA");

    public ServerSslTests(ApplianceFixture f)
    {
        _f = f;
    }

    public void Dispose()
    {
        _pki.Dispose();
        _other.Dispose();
    }

    private async Task<int> VirtualAsync(string name, int memberPort, string serverSsl, string clientSsl = "", string extra = "")
    {
        await _f.Admin.PoolAsync(name, [memberPort]);
        await _f.Admin.ProfileAsync("server-ssl", serverSsl);
        var ssl = System.Text.Json.JsonDocument.Parse(serverSsl).RootElement.GetProperty("name").GetString();
        return await _f.Admin.VirtualAsync(name, name, $"\"tcp\",\"http\",\"{ssl}\"{clientSsl}", extra);
    }

    private async Task CaAsync(string name) => await TestPki.CertificateAsync(_f.Admin, name, _pki.CaPem, null);

    [Fact]
    public async Task FixedServerName_IsSent_AndTheVerifiedMemberAnswers()
    {
        await using var be = new TlsBackend(_pki.Issue(ecdsa: true, "backend.test").Cert);
        await CaAsync("ss-fixed-ca");
        var port = await VirtualAsync("ss-fixed", be.Port, """{"name":"ss-fixed-ssl","serverName":"backend.test","verifyServer":true,"caCertificate":"ss-fixed-ca"}""");
        var (text, _) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.EndsWith("sni=backend.test", text);
        Assert.Equal(["backend.test"], be.ServerNames);
    }

    [Fact]
    public async Task WithoutServerName_TheClientsSniIsSent_EndToEndTls()
    {
        await using var be = new TlsBackend(_pki.Issue(ecdsa: false, "a.example.test").Cert);
        var front = _other.Issue(ecdsa: true, "a.example.test");
        await TestPki.CertificateAsync(_f.Admin, "ss-pass-front", front.Pem, front.Key);
        await _f.Admin.ProfileAsync("client-ssl", """{"name":"ss-pass-client","certificate":"ss-pass-front"}""");
        await CaAsync("ss-pass-ca");
        var port = await VirtualAsync("ss-pass", be.Port, """{"name":"ss-pass-ssl","verifyServer":true,"caCertificate":"ss-pass-ca"}""", ",\"ss-pass-client\"");
        var curl = await Shell.Run("curl", "-sS", "--cacert", _other.CaFile, "--resolve", $"a.example.test:{port}:127.0.0.1", $"https://a.example.test:{port}/");
        Assert.Equal("sni=a.example.test", curl);
    }

    [Fact]
    public async Task UntrustedWrongNameOrExpiredMember_IsRefusedWhenVerifying_AndAcceptedWithoutVerification()
    {
        await using var untrusted = new TlsBackend(_other.Issue(ecdsa: true, "backend.test").Cert);
        await using var wrongName = new TlsBackend(_pki.Issue(ecdsa: true, "elsewhere.test").Cert);
        await using var expired = new TlsBackend(_pki.Issue(ecdsa: true, serverAuth: true, DateTimeOffset.UtcNow.AddHours(-1), "backend.test").Cert);
        await CaAsync("ss-bad-ca");
        var i = 0;
        foreach (var be in new[] { untrusted, wrongName, expired })
        {
            var port = await VirtualAsync($"ss-bad{i}", be.Port, $$"""{"name":"ss-bad{{i}}-ssl","serverName":"backend.test","verifyServer":true,"caCertificate":"ss-bad-ca"}""");
            var (text, _) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", TimeSpan.FromSeconds(5));
            Assert.True(text.StartsWith("HTTP/1.1 503", StringComparison.Ordinal), $"member {i}: {text}");
            i++;
        }
        var open = await VirtualAsync("ss-noverify", untrusted.Port, """{"name":"ss-noverify-ssl","serverName":"backend.test"}""");
        var (ok, _) = await RawClient.ExchangeAsync(open, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", ok);
    }

    [Fact]
    public async Task HttpsMonitor_UsesTheServerSslProfile_TrustedUp_UntrustedDown()
    {
        await using var be = new TlsBackend(_pki.Issue(ecdsa: true, "backend.test").Cert);
        await CaAsync("ss-mon-ca");
        await TestPki.CertificateAsync(_f.Admin, "ss-mon-other", _other.CaPem, null);
        await _f.Admin.ProfileAsync("server-ssl", """{"name":"ss-mon-good","serverName":"backend.test","verifyServer":true,"caCertificate":"ss-mon-ca"}""");
        await _f.Admin.ProfileAsync("server-ssl", """{"name":"ss-mon-bad","serverName":"backend.test","verifyServer":true,"caCertificate":"ss-mon-other"}""");
        foreach (var (name, profile, expected) in new[] { ("ss-mon-up", "ss-mon-good", "up"), ("ss-mon-down", "ss-mon-bad", "down") })
        {
            await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/monitors", $$"""{"name":"{{name}}","type":"https","interval":1,"timeout":3,"serverSsl":"{{profile}}"}"""));
            await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/pools", $$"""{"name":"{{name}}","monitors":["{{name}}"],"members":[{"address":"127.0.0.1","port":{{be.Port}}}]}"""));
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string Status(System.Text.Json.JsonElement pool) => pool.GetProperty("members")[0].GetProperty("status").GetString()!;
        while (DateTime.UtcNow < deadline && !(Status(await _f.Admin.PoolStatusAsync("ss-mon-up")) == "up" && Status(await _f.Admin.PoolStatusAsync("ss-mon-down")) == "down"))
        {
            await Task.Delay(100);
        }
        Assert.Equal("up", Status(await _f.Admin.PoolStatusAsync("ss-mon-up")));
        var down = (await _f.Admin.PoolStatusAsync("ss-mon-down")).GetProperty("members")[0];
        Assert.Equal("down", down.GetProperty("status").GetString());
        Assert.Contains("TLS handshake failed", down.GetProperty("reason").GetString());
        Assert.Contains("backend.test", be.ServerNames);

        var r = await _f.Admin.Post("/api/v1/monitors", """{"name":"ss-mon-http","type":"http","serverSsl":"ss-mon-good"}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("serverSsl is used only by https monitors", r.Text);
    }

    [Fact]
    public async Task OneConnectOverTls_ReusesPerTlsIdentity()
    {
        await using var be = new TlsBackend(_pki.Issue(ecdsa: true, "x.test", "y.test").Cert);
        await _f.Admin.PoolAsync("ss-oc", [be.Port]);
        await _f.Admin.ProfileAsync("server-ssl", """{"name":"ss-oc-x","serverName":"x.test"}""");
        await _f.Admin.ProfileAsync("server-ssl", """{"name":"ss-oc-y","serverName":"y.test"}""");
        var x = await _f.Admin.VirtualAsync("ss-oc-x", "ss-oc", "\"tcp\",\"http\",\"oneconnect\",\"ss-oc-x\"");
        var y = await _f.Admin.VirtualAsync("ss-oc-y", "ss-oc", "\"tcp\",\"http\",\"oneconnect\",\"ss-oc-y\"");
        for (var i = 0; i < 3; i++)
        {
            foreach (var (port, name) in new[] { (x, "x.test"), (y, "y.test") })
            {
                var (text, _) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", TimeSpan.FromSeconds(5));
                Assert.EndsWith("sni=" + name, text);
            }
        }
        // Six requests from six client connections, two TLS identities: two member connections, each reused.
        Assert.Equal(2, be.ServerNames.Count);
        Assert.Equal(6, be.Requests.Count);
    }

    [Fact]
    public async Task OpenSslServerMember_WithSniCheck_IsReachedOnlyWithTheRightName()
    {
        // s_server presents backend.test's certificate only to clients that send that SNI (-servername with -cert2) and
        // refuses others (-servername_fatal); the default certificate is from another CA, so a wrong name also fails verification.
        var good = _pki.Issue(ecdsa: true, "backend.test");
        var other = _other.Issue(ecdsa: true, "default.test");
        var (server, port) = await OpenSslServerAsync($"-cert {_other.WriteFile("d.pem", other.Pem)} -key {_other.WriteFile("d.key", other.Key)} "
            + $"-cert2 {_pki.WriteFile("b.pem", good.Pem)} -key2 {_pki.WriteFile("b.key", good.Key)} -servername backend.test -servername_fatal");
        try
        {
            await CaAsync("ss-ossl-ca");
            var right = await VirtualAsync("ss-ossl", port, """{"name":"ss-ossl-ssl","serverName":"backend.test","verifyServer":true,"caCertificate":"ss-ossl-ca"}""");
            var (text, _) = await RawClient.ExchangeAsync(right, "GET / HTTP/1.0\r\n\r\n", TimeSpan.FromSeconds(5));
            Assert.StartsWith("HTTP/1.0 200 ok", text);
            var wrong = await VirtualAsync("ss-ossl-wrong", port, """{"name":"ss-ossl-wrong-ssl","serverName":"nope.test","verifyServer":true,"caCertificate":"ss-ossl-ca"}""");
            var (refused, _) = await RawClient.ExchangeAsync(wrong, "GET / HTTP/1.0\r\n\r\n", TimeSpan.FromSeconds(5));
            Assert.StartsWith("HTTP/1.1 503", refused);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task ConnectionsToAMember_ResumeItsSession(string version)
    {
        // Without OneConnect every client connection opens its own TLS connection to the member; the second and later
        // ones offer the session the first was given (a TLS 1.3 ticket, a TLS 1.2 session id) and s_server's -www page
        // says whether it took it.
        var cert = _pki.Issue(ecdsa: true, "backend.test");
        var (server, port) = await OpenSslServerAsync($"-cert {_pki.WriteFile("r.pem", cert.Pem)} -key {_pki.WriteFile("r.key", cert.Key)} {version}");
        try
        {
            var name = "ss-resume" + version.Replace("-tls1_", "", StringComparison.Ordinal);
            var virtualPort = await VirtualAsync(name, port, $$"""{"name":"{{name}}-ssl","serverName":"backend.test"}""");
            var pages = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var (text, _) = await RawClient.ExchangeAsync(virtualPort, "GET / HTTP/1.0\r\n\r\n", TimeSpan.FromSeconds(5));
                Assert.StartsWith("HTTP/1.0 200 ok", text);
                pages.Add(text);
            }
            Assert.Contains("\nNew, ", pages[0]);
            Assert.Contains("\nReused, ", pages[2]);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }
    }

    [Fact]
    public async Task ServerSslHandshake_RunsAfterServerConnected_AndSeesTheMembersSession()
    {
        await using var be = new TlsBackend(_pki.Issue(ecdsa: true, "backend.test").Cert);
        await CaAsync("ss-rule-ca");
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", System.Text.Json.JsonSerializer.Serialize(new
        {
            name = "ss-rule",
            source = """
                when('SERVER_CONNECTED', ctx => { ctx.vars.order = 'C'; });
                when('SERVERSSL_HANDSHAKE', ctx => {
                  ctx.vars.order += 'S';
                  const s = ctx.server.ssl;
                  ctx.vars.s = [s.protocol, s.sni, s.verify, s.certificate, s.resumed, s.fingerprint === undefined].join('|');
                });
                when('HTTP_REQUEST_SEND', ctx => {
                  ctx.http.setHeader('X-Order', ctx.vars.order);
                  ctx.http.setHeader('X-Server-Ssl', ctx.vars.s);
                  ctx.http.setHeader('X-Fingerprint', ctx.server.ssl.certificateFingerprint.length);
                });
                """,
        })));
        var port = await VirtualAsync("ss-rule", be.Port, """{"name":"ss-rule-ssl","serverName":"backend.test","verifyServer":true,"caCertificate":"ss-rule-ca"}""", extra: ",\"rules\":[\"ss-rule\"]");
        var (text, _) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", text);
        var request = be.Requests.Single();
        Assert.Contains("X-Order: CS\r\n", request);
        Assert.Contains("X-Server-Ssl: tls1.3|backend.test|ok|CN=backend.test|false|true\r\n", request);
        Assert.Contains("X-Fingerprint: 64\r\n", request);
    }

    [Fact]
    public async Task ServerSslHandshake_ARuleRejectingAResumedSession_EndsThatConnectionOnly()
    {
        // s_server resumes the proxy's second and later connections (ConnectionsToAMember_ResumeItsSession); a rule
        // that refuses resumed sessions lets the first through and ends the others, which shows it reads the member's flight.
        var cert = _pki.Issue(ecdsa: true, "backend.test");
        var (server, port) = await OpenSslServerAsync($"-cert {_pki.WriteFile("rr.pem", cert.Pem)} -key {_pki.WriteFile("rr.key", cert.Key)} -tls1_3");
        try
        {
            await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", """{"name":"ss-resumed","source":"when('SERVERSSL_HANDSHAKE', ctx => { if (ctx.server.ssl.resumed) ctx.reject(); });"}"""));
            var virtualPort = await VirtualAsync("ss-resumed", port, """{"name":"ss-resumed-ssl","serverName":"backend.test"}""", extra: ",\"rules\":[\"ss-resumed\"]");
            var (first, _) = await RawClient.ExchangeAsync(virtualPort, "GET / HTTP/1.0\r\n\r\n", TimeSpan.FromSeconds(5));
            Assert.StartsWith("HTTP/1.0 200 ok", first);
            Assert.Contains("\nNew, ", first);
            var (second, _) = await RawClient.ExchangeAsync(virtualPort, "GET / HTTP/1.0\r\n\r\n", TimeSpan.FromSeconds(5));
            var (third, _) = await RawClient.ExchangeAsync(virtualPort, "GET / HTTP/1.0\r\n\r\n", TimeSpan.FromSeconds(5));
            Assert.DoesNotContain("Reused", second + third);
            Assert.True(second.Length == 0 || third.Length == 0, second + "\n---\n" + third);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            server.Dispose();
        }
    }

    [Fact]
    public async Task ServerSslHandshakeRule_OnAVirtualWithoutServerSsl_IsRefusedAtSave()
    {
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", """{"name":"ss-no-ssl","source":"when('SERVERSSL_HANDSHAKE', ctx => {});"}"""));
        await _f.Admin.PoolAsync("ss-no-ssl", [FreePort.Next()]);
        var r = await _f.Admin.Post("/api/v1/virtuals", $$"""{"name":"ss-no-ssl","destination":"127.0.0.1:{{FreePort.Next()}}","pool":"ss-no-ssl","profiles":["tcp","http"],"rules":["ss-no-ssl"]}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("virtuals/ss-no-ssl/rules/0", r.Text);
        Assert.Contains("no server-ssl profile", r.Text);
    }

    /// <summary>An <c>openssl s_server -www</c> on a free loopback port, once it accepts connections.</summary>
    private static async Task<(System.Diagnostics.Process Server, int Port)> OpenSslServerAsync(string arguments)
    {
        var port = FreePort.Next();
        var server = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("openssl", $"s_server -accept 127.0.0.1:{port} -www {arguments}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                using var probe = await RawClient.ConnectAsync(port);
                return (server, port);
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
