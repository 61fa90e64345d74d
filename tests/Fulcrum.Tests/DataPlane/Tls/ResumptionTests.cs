using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>Session resumption on the client side, seen from openssl s_client: TLS 1.3 tickets and the TLS 1.2 session cache.</summary>
public sealed class ResumptionTests : IClassFixture<ApplianceFixture>, IDisposable
{
    private readonly ApplianceFixture _f;
    private readonly TestPki _pki = new();

    public ResumptionTests(ApplianceFixture f)
    {
        _f = f;
    }

    public void Dispose() => _pki.Dispose();

    [Theory]
    [InlineData("tls1_3")]
    [InlineData("tls1_2")]
    public async Task SessionOut_ThenSessionIn_IsReused_AndCounted(string version)
    {
        var name = "res-" + version.Replace("_", "", StringComparison.Ordinal);
        await using var be = new RecordingHttpBackend();
        var port = await SiteVirtualAsync(name, be.Port);

        var session = _pki.WriteFile(name + ".sess", "");
        // A request that the proxy answers and closes, so the TLS 1.3 ticket (sent after the handshake) is read before s_client exits.
        var request = "printf 'GET / HTTP/1.1\\r\\nHost: site.test\\r\\nConnection: close\\r\\n\\r\\n'";
        var first = await Shell.Run(false, "sh", "-c", $"{request} | timeout 10 openssl s_client -{version} -connect 127.0.0.1:{port} -servername site.test -ign_eof -sess_out {session} 2>&1");
        Assert.Contains("HTTP/1.1 200", first);
        Assert.Contains("New, ", first);
        var second = await Shell.Run(false, "sh", "-c", $"{request} | timeout 10 openssl s_client -{version} -connect 127.0.0.1:{port} -servername site.test -ign_eof -sess_in {session} 2>&1");
        Assert.Contains("Reused, ", second);
        Assert.Contains("HTTP/1.1 200", second);

        var tls = (await _f.Admin.VirtualStatusAsync(name)).GetProperty("tls");
        Assert.Equal(2, tls.GetProperty("handshakes").GetInt64());
        Assert.Equal(1, tls.GetProperty("resumptions").GetInt64());
    }

    [Theory]
    [InlineData("tls1_3")]
    [InlineData("tls1_2")]
    public async Task ConnectionsTheProxyCloses_EndWithCloseNotify_SoOpenSslResumesThem(string version)
    {
        // openssl s_time -reuse: an HTTP/1.0 request per connection, each closed by the proxy after its response; OpenSSL
        // keeps a session for reuse only when the close was clean (close_notify), not after a bare FIN.
        var name = "resc-" + version.Replace("_", "", StringComparison.Ordinal);
        await using var be = new RecordingHttpBackend();
        var port = await SiteVirtualAsync(name, be.Port);

        var output = await Shell.Run(false, "sh", "-c", $"timeout 20 openssl s_time -connect 127.0.0.1:{port} -{version} -www / -reuse -time 1 2>&1");

        // One character per connection after the first: 'r' reused, '*' new.
        var marks = string.Concat(output.Split('\n').Where(l => l.Length > 0 && l.All(c => c is 'r' or '*')));
        Assert.True(marks.Length > 1, output);
        Assert.DoesNotContain('*', marks);
        var tls = (await _f.Admin.VirtualStatusAsync(name)).GetProperty("tls");
        Assert.True(tls.GetProperty("resumptions").GetInt64() >= marks.Length, tls.ToString());
    }

    /// <summary>An HTTP virtual offloading TLS for site.test (ECDSA) in front of <paramref name="member"/>; its port.</summary>
    private async Task<int> SiteVirtualAsync(string name, int member)
    {
        await _f.Admin.PoolAsync(name, [member]);
        var site = _pki.Issue(ecdsa: true, "site.test");
        await TestPki.CertificateAsync(_f.Admin, name + "-site", site.Pem, site.Key);
        await _f.Admin.ProfileAsync("client-ssl", $$"""{"name":"{{name}}-ssl","certificate":"{{name}}-site"}""");
        return await _f.Admin.VirtualAsync(name, name, $"\"tcp\",\"http\",\"{name}-ssl\"");
    }
}
