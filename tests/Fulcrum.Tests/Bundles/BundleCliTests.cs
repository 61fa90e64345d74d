using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Bundles;

/// <summary><c>fulcrum bundle export|import|diff</c>, offline and against a running box.</summary>
public sealed class BundleCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Changes() => BundleForge.Write(FulcrumConfig.Default with
    {
        Pools = [new Pool { Name = "web", LoadBalancingMode = "ratio", Members = [new PoolMember { Address = "10.0.0.1", Port = 80, Ratio = 4 }] }],
        Rules = [new Rule { Name = "r", Source = "when('HTTP_REQUEST', ctx => {\n  ctx.lb.pool('web');\n  log('new');\n});\n" }],
    });

    [Fact]
    public async Task Diff_OfflineAndApi_SameDiff()
    {
        var boxDir = Path.Combine(_dir.Path, "box");
        await using var box = await ApplianceProcess.StartAsync(boxDir);
        using var api = box.Client();
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"web","members":[{"address":"10.0.0.1","port":80}]}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"old","members":[{"address":"10.0.0.2","port":80}]}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/rules", """{"name":"r","source":"when('HTTP_REQUEST', ctx => {\n  ctx.lb.pool('web');\n});\n"}""")).Code);
        var file = Path.Combine(_dir.Path, "b.zip");
        await File.WriteAllBytesAsync(file, Changes());
        var before = await api.Generation();

        var fromApi = await BundleApi.Import(api, Changes(), "dryRun", null);
        var offline = await FulcrumCli.RunAsync(null, "bundle", "diff", file, "--json", "--data", boxDir);
        var remote = await FulcrumCli.RunAsync(ApplianceProcess.AdminPassword, "bundle", "diff", file, "--json", "--url", box.BaseAddress.ToString(), "--user", "admin");
        var text = await FulcrumCli.RunAsync(null, "bundle", "diff", file, "--data", boxDir);

        Assert.True(offline.ExitCode == 0, offline.Err + offline.Out);
        Assert.True(remote.ExitCode == 0, remote.Err + remote.Out);
        var apiDiff = fromApi.Json.GetProperty("diff");
        Assert.True(JsonElement.DeepEquals(apiDiff, JsonDocument.Parse(offline.Out).RootElement.GetProperty("diff")), offline.Out);
        Assert.True(JsonElement.DeepEquals(apiDiff, JsonDocument.Parse(remote.Out).RootElement.GetProperty("diff")), remote.Out);
        Assert.Equal(1, apiDiff.GetProperty("removed").GetArrayLength());
        Assert.Contains("~ pools/web", text.Out, StringComparison.Ordinal);
        Assert.Contains("    members/10.0.0.1:80/ratio: 1 -> 4", text.Out, StringComparison.Ordinal);
        Assert.Contains("    +  log('new');", text.Out, StringComparison.Ordinal);
        Assert.Contains("- pools/old", text.Out, StringComparison.Ordinal);
        Assert.Equal(before, await api.Generation());
    }

    [Fact]
    public async Task ExportOffline_ImportRemote_ThenOfflineOnNewDataDir()
    {
        var source = Path.Combine(_dir.Path, "source");
        var target = Path.Combine(_dir.Path, "target");
        var offlineTarget = Path.Combine(_dir.Path, "offline");
        var file = Path.Combine(_dir.Path, "export.zip");
        var (pem, key) = Samples.SelfSigned();
        await using (var box = await ApplianceProcess.StartAsync(source))
        {
            using var api = box.Client();
            Assert.Equal(201, (await api.Post("/api/v1/certificates", JsonSerializer.Serialize(new { name = "site", pem, key }))).Code);
        }

        var export = await FulcrumCli.RunAsync(BundleForge.Passphrase, "bundle", "export", "-o", file, "--passphrase-stdin", "--data", source);
        Assert.True(export.ExitCode == 0, export.Err);
        Assert.Contains("exported generation 2", export.Out, StringComparison.Ordinal);

        await using (var box = await ApplianceProcess.StartAsync(target))
        {
            var wrong = await FulcrumCli.RunAsync($"{ApplianceProcess.AdminPassword}\nnot the passphrase", "bundle", "import", file, "--passphrase-stdin", "--url", box.BaseAddress.ToString());
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("(wrong-passphrase)", wrong.Err, StringComparison.Ordinal);

            var import = await FulcrumCli.RunAsync($"{ApplianceProcess.AdminPassword}\n{BundleForge.Passphrase}", "bundle", "import", file, "--passphrase-stdin", "--url", box.BaseAddress.ToString());
            Assert.True(import.ExitCode == 0, import.Err + import.Out);
            Assert.Contains("applied as generation 2", import.Out, StringComparison.Ordinal);
        }

        var offline = await FulcrumCli.RunAsync(BundleForge.Passphrase, "bundle", "import", file, "--mode", "merge", "--passphrase-stdin", "--data", offlineTarget);
        Assert.True(offline.ExitCode == 0, offline.Err + offline.Out);
        Assert.Equal(key, new ConfigStore(SqliteDatabase.Open(offlineTarget)).Latest()!.Config.Certificates.Single().Key);
        Assert.Equal(key, new ConfigStore(SqliteDatabase.Open(target)).Latest()!.Config.Certificates.Single().Key);
    }

    [Fact]
    public async Task BadArguments_ExitCode2()
    {
        var both = await FulcrumCli.RunAsync(null, "bundle", "export", "--data", _dir.Path, "--url", "http://127.0.0.1:1");
        var noStore = await FulcrumCli.RunAsync(null, "bundle", "export", "--data", Path.Combine(_dir.Path, "none"));

        Assert.Equal(2, both.ExitCode);
        Assert.Contains("exactly one of --data", both.Err, StringComparison.Ordinal);
        Assert.Equal(2, noStore.ExitCode);
        Assert.Contains("no store", noStore.Err, StringComparison.Ordinal);
    }
}
