using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary><c>fulcrum run --mgmt-cert/--mgmt-key</c> and <c>--mgmt-self-signed</c>: the real process, checked with curl.</summary>
public sealed class ManagementHttpsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TempDir _files = new();

    public void Dispose()
    {
        _dir.Dispose();
        _files.Dispose();
    }

    private static Task<string> Curl(params string[] args) =>
        Shell.Run(false, "curl", ["-sS", "--max-time", "10", "-w", "\n%{http_code}", .. args]);

    [Fact]
    public async Task MgmtCertAndKey_CurlTrustingTheCa_ReachesTheApiOverHttps_PlainHttpRefused()
    {
        var ca = TestPki.Ca("Management Test CA");
        var leaf = TestPki.Leaf("localhost", ca);
        var certFile = Path.Combine(_files.Path, "mgmt.pem");
        var keyFile = Path.Combine(_files.Path, "mgmt.key");
        var caFile = Path.Combine(_files.Path, "ca.pem");
        await File.WriteAllTextAsync(certFile, leaf.Pem + ca.Pem);
        await File.WriteAllTextAsync(keyFile, leaf.KeyPem);
        await File.WriteAllTextAsync(caFile, ca.Pem);

        await using var box = await ApplianceProcess.StartAsync(_dir.Path, extraArgs: ["--mgmt-cert", certFile, "--mgmt-key", keyFile], https: true);
        var url = $"https://localhost:{box.Port}";
        var resolve = $"localhost:{box.Port}:127.0.0.1";

        var status = await Curl("--cacert", caFile, "--resolve", resolve, "-u", $"admin:{ApplianceProcess.AdminPassword}", url + "/api/v1/status");
        Assert.EndsWith("\n200", status, StringComparison.Ordinal);
        Assert.Contains("\"generation\"", status, StringComparison.Ordinal);
        Assert.Contains($"Management API listening on https://127.0.0.1:{box.Port}", box.Output, StringComparison.Ordinal);

        // Without the CA the certificate is not trusted; plain HTTP gets no API.
        var untrusted = await Curl("--resolve", resolve, url + "/healthz");
        Assert.Contains("\n000", untrusted, StringComparison.Ordinal);
        Assert.Contains("certificate", untrusted, StringComparison.Ordinal);
        var plain = await Curl($"http://127.0.0.1:{box.Port}/healthz");
        Assert.DoesNotContain("\n200", plain, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task MgmtSelfSigned_MadeOnFirstStart_ReusedAfterRestart()
    {
        var certFile = Path.Combine(_dir.Path, "mgmt-self-signed.crt");
        var keyFile = Path.Combine(_dir.Path, "mgmt-self-signed.key");
        string first;
        await using (var box = await ApplianceProcess.StartAsync(_dir.Path, extraArgs: ["--mgmt-self-signed"], https: true))
        {
            Assert.Contains("Made a self-signed management certificate", box.Output, StringComparison.Ordinal);
            first = await File.ReadAllTextAsync(certFile);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            // The certificate names 127.0.0.1, so it verifies as its own CA; -k is not needed.
            Assert.EndsWith("\n200", await Curl("--cacert", certFile, $"https://127.0.0.1:{box.Port}/healthz"), StringComparison.Ordinal);
            Assert.EndsWith("\n200", await Curl("-k", $"https://127.0.0.1:{box.Port}/healthz"), StringComparison.Ordinal);
        }

        await using (var again = await ApplianceProcess.StartAsync(_dir.Path, extraArgs: ["--mgmt-self-signed"], https: true))
        {
            Assert.DoesNotContain("Made a self-signed management certificate", again.Output, StringComparison.Ordinal);
            Assert.Equal(first, await File.ReadAllTextAsync(certFile));
            Assert.EndsWith("\n200", await Curl("--cacert", certFile, $"https://127.0.0.1:{again.Port}/healthz"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MgmtKeyOfAnotherCertificate_ExitsWithTheReason()
    {
        var leaf = TestPki.Leaf("localhost");
        var other = TestPki.Leaf("other");
        var certFile = Path.Combine(_files.Path, "mgmt.pem");
        var keyFile = Path.Combine(_files.Path, "other.key");
        await File.WriteAllTextAsync(certFile, leaf.Pem);
        await File.WriteAllTextAsync(keyFile, other.KeyPem);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ApplianceProcess.StartAsync(_dir.Path, extraArgs: ["--mgmt-cert", certFile, "--mgmt-key", keyFile], https: true));

        Assert.Contains("exited with 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--mgmt-key", ex.Message, StringComparison.Ordinal);
    }
}
