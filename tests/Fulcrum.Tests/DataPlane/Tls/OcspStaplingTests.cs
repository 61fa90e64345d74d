using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>
/// OCSP stapling (client-ssl <c>ocspStapling</c>), from <c>openssl s_client -status</c>: with it on, a certificate whose
/// authority information access names a reachable responder is stapled with that responder's answer, fetched in the
/// background (so the first handshakes may go without it); with it off nothing is stapled; on a profile whose
/// certificates name no responder it is refused at save.
/// </summary>
public sealed class OcspStaplingTests : IClassFixture<ApplianceFixture>, IDisposable
{
    private readonly ApplianceFixture _f;
    private readonly TestPki _pki = new("OCSP CA");

    public OcspStaplingTests(ApplianceFixture f)
    {
        _f = f;
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task On_TheResponderGoodAnswerIsStapled_Off_NothingIs()
    {
        // The leaf names the responder and the responder lists the leaf: issue with the URL of a port chosen up front.
        var port = FreePort.Next();
        var site = _pki.IssueWithOcsp($"http://127.0.0.1:{port}", "ocsp.test");
        await using (_pki.OcspResponder(port, site.Cert))
        {
            await TestPki.CertificateAsync(_f.Admin, "ocsp-cert", site.Pem, site.Key);
            var on = await SiteAsync("ocsp-on", "ocsp-cert", stapling: true);
            var off = await SiteAsync("ocsp-off", "ocsp-cert", stapling: false);

            var deadline = DateTime.UtcNow.AddSeconds(20);
            string output;
            while (true)
            {
                output = await StatusAsync(on);
                if (output.Contains("OCSP Response Status: successful", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
                {
                    break;
                }
                // The fetch runs beside the handshakes; each handshake staples what has arrived by then.
                await Task.Delay(100);
            }
            Assert.Contains("OCSP Response Status: successful", output);
            Assert.Contains("Cert Status: good", output);
            Assert.Contains("OCSP response: no response sent", await StatusAsync(off));
        }
    }

    [Fact]
    public async Task On_WithoutAResponderNamed_IsRefusedAtSave()
    {
        var site = _pki.Issue(ecdsa: true, "plain-ocsp.test");
        await TestPki.CertificateAsync(_f.Admin, "ocsp-none-cert", site.Pem, site.Key);
        var r = await _f.Admin.Post("/api/v1/profiles/client-ssl", """{"name":"ocsp-none-ssl","certificate":"ocsp-none-cert","ocspStapling":true}""");
        Assert.Equal(422, r.Code);
        Assert.Contains("profiles/client-ssl/ocsp-none-ssl/ocspStapling", r.Text);
        Assert.Contains("OCSP responder", r.Text);
    }

    private async Task<int> SiteAsync(string name, string certificate, bool stapling)
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync(name, [be.Port]);
        await _f.Admin.ProfileAsync("client-ssl", $$"""{"name":"{{name}}-ssl","certificate":"{{certificate}}","ocspStapling":{{(stapling ? "true" : "false")}}}""");
        return await _f.Admin.VirtualAsync(name, name, $"\"tcp\",\"{name}-ssl\"");
    }

    private static Task<string> StatusAsync(int port) =>
        Shell.Run(false, "sh", "-c", $"timeout 10 openssl s_client -connect 127.0.0.1:{port} -status </dev/null 2>&1");
}
