using System.Security.Authentication;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>
/// CLIENTSSL_CLIENTHELLO and CLIENTSSL_HANDSHAKE through a real fulcrum terminating TLS: the order of the events, what
/// ctx.ssl shows before and after the handshake, a certificate or pool picked by a rule, a rejected hello.
/// </summary>
public sealed class TlsRuleEventTests : IClassFixture<ApplianceFixture>, IDisposable
{
    private readonly ApplianceFixture _f;
    private readonly TestPki _pki = new();
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    public TlsRuleEventTests(ApplianceFixture f) => _f = f;

    public void Dispose() => _pki.Dispose();

    private const string Source = """
        when('CLIENT_ACCEPTED', ctx => { ctx.vars.order = 'A'; });
        when('CLIENTSSL_CLIENTHELLO', ctx => {
          ctx.vars.order += 'H';
          ctx.vars.hello = ctx.ssl.sni + '|' + ctx.ssl.versionsOffered.join(',') + '|' + ctx.ssl.alpnOffered.join(',') + '|' + ctx.ssl.protocol;
          if (ctx.ssl.sni === 'blocked.test') { ctx.reject(); return; }
          if (ctx.ssl.sni === 'pick.test') ctx.ssl.certificate('tre-special');
        });
        when('CLIENTSSL_HANDSHAKE', ctx => {
          ctx.vars.order += 'S';
          ctx.vars.done = ctx.ssl.protocol + '|' + ctx.ssl.resumed;
        });
        when('HTTP_REQUEST', ctx => {
          ctx.http.setHeader('X-Order', ctx.vars.order);
          ctx.http.setHeader('X-Hello', ctx.vars.hello);
          ctx.http.setHeader('X-Done', ctx.vars.done);
        });
        """;

    private async Task<(int Port, RecordingHttpBackend A, RecordingHttpBackend B)> SetupAsync()
    {
        var d = _pki.Issue(ecdsa: true, "default.test");
        var special = _pki.Issue(ecdsa: true, "special.test");
        await TestPki.CertificateAsync(_f.Admin, "tre-default" + _id, d.Pem, d.Key);
        await TestPki.CertificateAsync(_f.Admin, "tre-special" + _id, special.Pem, special.Key);
        await _f.Admin.ProfileAsync("client-ssl", $$"""{"name":"tre-ssl{{_id}}","certificate":"tre-default{{_id}}","sniCertificates":["tre-special{{_id}}"]}""");
        var a = new RecordingHttpBackend();
        var b = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tre-a" + _id, [a.Port]);
        await _f.Admin.PoolAsync("tre-b" + _id, [b.Port]);
        var source = Source.Replace("'tre-special'", $"'tre-special{_id}'");
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = "tre" + _id, source })));
        var port = await _f.Admin.VirtualAsync("tre" + _id, "tre-a" + _id, $"\"tcp\",\"http\",\"tre-ssl{_id}\"", $",\"rules\":[\"tre{_id}\"]");
        return (port, a, b);
    }

    [Fact]
    public async Task Events_RunInOrder_SeeTheHelloThenTheSession_AndARuleCanPickTheCertificateAndThePool()
    {
        var (port, a, b) = await SetupAsync();
        await using var _a = a;
        await using var _b = b;

        var (stream, cert) = await TlsClients.ConnectAsync(port, "pick.test", SslProtocols.Tls13);
        await using (stream)
        {
            Assert.Equal("CN=special.test", cert.Subject);   // the rule's choice, not the SNI lookup (default.test)
            Assert.StartsWith("HTTP/1.1 200", await TlsClients.GetAsync(stream, "pick.test"));
        }
        var request = a.Requests.Single();
        Assert.Contains("X-Order: AHS\r\n", request);
        Assert.Contains("X-Hello: pick.test|tls1.3|http/1.1|null\r\n", request);   // no protocol before the handshake
        Assert.Contains("X-Done: tls1.3|false\r\n", request);

    }

    [Fact]
    public async Task L4Virtual_APoolPickedInClientHello_CarriesTheConnection()
    {
        var d = _pki.Issue(ecdsa: true, "l4.test");
        await TestPki.CertificateAsync(_f.Admin, "tre3-c" + _id, d.Pem, d.Key);
        await _f.Admin.ProfileAsync("client-ssl", $$"""{"name":"tre3-ssl{{_id}}","certificate":"tre3-c{{_id}}"}""");
        await using var a = RawBackend.Echo();
        await using var b = RawBackend.Echo();
        await _f.Admin.PoolAsync("tre3-a" + _id, [a.Port]);
        await _f.Admin.PoolAsync("tre3-b" + _id, [b.Port]);
        var source = $"when('CLIENTSSL_CLIENTHELLO', ctx => {{ if (ctx.ssl.sni === 'b.test') ctx.lb.pool('tre3-b{_id}'); }});";
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = "tre3" + _id, source })));
        var port = await _f.Admin.VirtualAsync("tre3" + _id, "tre3-a" + _id, $"\"tcp\",\"tre3-ssl{_id}\"", $",\"rules\":[\"tre3{_id}\"]");

        var (stream, _) = await TlsClients.ConnectAsync(port, "b.test");
        await using (stream)
        {
            await stream.WriteAsync("ping"u8.ToArray());
            var buffer = new byte[4];
            await stream.ReadExactlyAsync(buffer);
            Assert.Equal("ping"u8.ToArray(), buffer);
        }
        Assert.Equal(1, b.Connections);
        Assert.Equal(0, a.Connections);
    }

    [Fact]
    public async Task RejectInClientHello_EndsTheConnectionBeforeAnyCertificate_AndNoMemberIsConnected()
    {
        var (port, a, b) = await SetupAsync();
        await using var _a = a;
        await using var _b = b;

        var output = await TlsClients.OpenSslAsync(port, "-servername blocked.test");

        Assert.Null(TlsClients.Negotiated(output));
        Assert.DoesNotContain("BEGIN CERTIFICATE", output);
        Assert.Equal(0, a.Connections + b.Connections);
    }

    [Fact]
    public async Task AnUnknownCertificateName_IsARuleError_ThatResetsOnlyThatConnection()
    {
        var special = _pki.Issue(ecdsa: true, "x.test");
        await TestPki.CertificateAsync(_f.Admin, "tre2-c", special.Pem, special.Key);
        await _f.Admin.ProfileAsync("client-ssl", """{"name":"tre2-ssl","certificate":"tre2-c"}""");
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("tre2", [be.Port]);
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = "tre2", source = "when('CLIENTSSL_CLIENTHELLO', ctx => { if (ctx.ssl.sni === 'bad.test') ctx.ssl.certificate('nope'); });" })));
        var port = await _f.Admin.VirtualAsync("tre2", "tre2", "\"tcp\",\"http\",\"tre2-ssl\"", ",\"rules\":[\"tre2\"]");

        Assert.Null(TlsClients.Negotiated(await TlsClients.OpenSslAsync(port, "-servername bad.test")));
        var (stream, _) = await TlsClients.ConnectAsync(port, "good.test");
        await using (stream)
        {
            Assert.StartsWith("HTTP/1.1 200", await TlsClients.GetAsync(stream, "good.test"));
        }
    }
}
