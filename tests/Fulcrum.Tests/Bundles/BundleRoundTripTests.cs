using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Bundles;

/// <summary>Box A to box B and back, as an operator moves a configuration: two real appliance processes.</summary>
public sealed class BundleRoundTripTests : IDisposable
{
    private readonly TempDir _a = new();
    private readonly TempDir _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    /// <summary>Fills a box through the API with one object of every kind, several rules, data groups and certificates with and without keys.</summary>
    private static async Task FillAsync(ApiClient api)
    {
        foreach (var (kind, _, body, _, _) in Samples.All())
        {
            var json = kind == "virtuals" ? body.Replace("127.0.0.1:18000", $"127.0.0.1:{FreePort.Next()}", StringComparison.Ordinal) : body;
            var r = await api.Post($"/api/v1/{kind}", json);
            Assert.True(r.Code == 201, $"{kind}: {r.Text}");
        }
        var (pem2, key2) = Samples.SelfSigned("api.example.test");
        var (caPem, _) = Samples.SelfSigned("ca.example.test");
        string[] more =
        [
            JsonSerializer.Serialize(new { name = "api", pem = pem2, key = key2 }),
            JsonSerializer.Serialize(new { name = "ca", pem = caPem }),
        ];
        foreach (var c in more)
        {
            Assert.Equal(201, (await api.Post("/api/v1/certificates", c)).Code);
        }
        Assert.Equal(201, (await api.Post("/api/v1/rules", """{"name":"block","source":"when('HTTP_REQUEST', ctx => {\n  if (dataGroup('blocked').startsWith(ctx.http.path)) ctx.http.respond(403, 'no');\n});\n"}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/rules", """{"name":"api-route","description":"api to its pool","source":"when('HTTP_REQUEST', ctx => {\n  if (ctx.http.path.startsWith('/api/')) ctx.lb.pool('web');\n});\n"}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/datagroups", """{"name":"nets","type":"address","records":{"10.0.0.0/8":"internal","192.168.1.0/24":"lab"}}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/datagroups", """{"name":"limits","type":"integer","records":{"1":"10","2":"20"}}""")).Code);
    }

    private static FulcrumConfig Stored(string dataDir) => new ConfigStore(SqliteDatabase.Open(dataDir)).Latest()!.Config;

    private static string Json(FulcrumConfig c) => JsonSerializer.Serialize(c, ConfigJson.Indented);

    [Fact]
    public async Task ExportOnA_ImportOnEmptyB_IdenticalConfigKeysIncluded_ThenRollBack()
    {
        await using var boxA = await ApplianceProcess.StartAsync(_a.Path);
        await using var boxB = await ApplianceProcess.StartAsync(_b.Path);
        using var a = boxA.Client();
        using var b = boxB.Client();
        await FillAsync(a);
        var generationB = await b.Generation();

        var (status, bundle, response) = await BundleApi.Export(a, BundleForge.Passphrase);
        Assert.Equal(200, status);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);

        var dry = await BundleApi.Import(b, bundle, "dryRun", BundleForge.Passphrase);
        Assert.True(dry.Code == 200, dry.Text);
        Assert.True(dry.Json.GetProperty("valid").GetBoolean());
        Assert.Equal(generationB, await b.Generation());
        var added = dry.Json.GetProperty("diff").GetProperty("added").EnumerateArray().Select(x => x.GetProperty("kind").GetString()).Distinct().ToList();
        Assert.Equal(ConfigKinds.All.Select(k => k.Path), added);

        var applied = await BundleApi.Import(b, bundle, "replace", BundleForge.Passphrase);
        Assert.True(applied.Code == 200, applied.Text);
        Assert.Equal(generationB + 1, applied.Json.GetProperty("generation").GetInt64());
        Assert.Equal((generationB + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), applied.Headers.GetValues("Fulcrum-Generation").Single());

        // Field by field, keys included, as each box stored it.
        var configA = Stored(_a.Path);
        var configB = Stored(_b.Path);
        Assert.Equal(Json(configA), Json(configB));
        Assert.Equal(2, configB.Certificates.Count(c => c.Key is not null));
        Assert.Equal(configA.Certificates.Single(c => c.Name == "site").Key, configB.Certificates.Single(c => c.Name == "site").Key);
        // Each box sealed the keys with its own box key: neither store holds one in clear, and the sealed values differ.
        Assert.NotEqual(File.ReadAllText(Path.Combine(_a.Path, SqliteDatabase.FileName + KeyBox.FileSuffix)), File.ReadAllText(Path.Combine(_b.Path, SqliteDatabase.FileName + KeyBox.FileSuffix)));
        foreach (var dir in new[] { _a.Path, _b.Path })
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var raw = string.Concat(Directory.GetFiles(dir, SqliteDatabase.FileName + "*").Where(f => !f.EndsWith(KeyBox.FileSuffix, StringComparison.Ordinal))
                .Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
            Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
        }

        // Exported again from B with the same passphrase, nothing differs on A.
        var (_, again, _) = await BundleApi.Export(b, BundleForge.Passphrase);
        var back = await BundleApi.Import(a, again, "dryRun", BundleForge.Passphrase);
        Assert.Equal(0, back.Json.GetProperty("diff").GetProperty("counts").GetProperty("changed").GetInt32());
        Assert.Equal(0, back.Json.GetProperty("diff").GetProperty("added").GetArrayLength());

        // Roll back: B is empty again.
        var rollback = await b.Post($"/api/v1/config/rollback/{generationB}", null);
        Assert.Equal(200, rollback.Code);
        Assert.Equal(Json(FulcrumConfig.Default), Json(Stored(_b.Path)));
    }

    [Fact]
    public async Task Merge_AddsAndUpdates_RemovesNothing_OneGeneration()
    {
        await using var box = await ApplianceProcess.StartAsync(_a.Path);
        using var api = box.Client();
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"keep","members":[{"address":"10.0.0.9","port":80}]}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"web","members":[{"address":"10.0.0.1","port":80}]}""")).Code);
        var before = await api.Generation();
        var bundle = BundleForge.Write(FulcrumConfig.Default with
        {
            Pools = [new Pool { Name = "web", LoadBalancingMode = "ratio", Members = [new PoolMember { Address = "10.0.0.1", Port = 80, Ratio = 5 }] }],
            Nodes = [new Node { Name = "n9", Address = "10.0.0.9" }],
        });

        var merged = await BundleApi.Import(api, bundle, "merge", null);

        Assert.True(merged.Code == 200, merged.Text);
        Assert.Equal(before + 1, await api.Generation());
        var diff = merged.Json.GetProperty("diff");
        Assert.Equal(0, diff.GetProperty("removed").GetArrayLength());
        Assert.Equal("n9", diff.GetProperty("added")[0].GetProperty("name").GetString());
        var fields = diff.GetProperty("changed")[0].GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => (f.GetProperty("old").ToString(), f.GetProperty("new").ToString()));
        Assert.Equal(("round-robin", "ratio"), fields["loadBalancingMode"]);
        Assert.Equal(("1", "5"), fields["members/10.0.0.1:80/ratio"]);
        Assert.Equal(200, (await api.Get("/api/v1/pools/keep")).Code);

        var replaced = await BundleApi.Import(api, bundle, "replace", null);
        Assert.Equal("keep", replaced.Json.GetProperty("diff").GetProperty("removed")[0].GetProperty("name").GetString());
        Assert.Equal(404, (await api.Get("/api/v1/pools/keep")).Code);

        var same = await BundleApi.Import(api, bundle, "replace", null);
        Assert.False(same.Json.GetProperty("applied").GetBoolean());
        Assert.Equal(before + 2, await api.Generation());
    }

    [Fact]
    public async Task ExportWithoutPassphrase_KeysLeftOut_ImportKeepsTheBoxKeyForAnUnchangedCertificate()
    {
        await using var box = await ApplianceProcess.StartAsync(_a.Path);
        using var api = box.Client();
        await FillAsync(api);
        var before = Stored(_a.Path);

        var (_, bundle, _) = await BundleApi.Export(api, null);
        var dry = await BundleApi.Import(api, bundle, "dryRun", null);

        Assert.Equal("omitted", dry.Json.GetProperty("bundle").GetProperty("keys").GetString());
        Assert.True(dry.Json.GetProperty("diff").GetProperty("counts").GetProperty("changed").GetInt32() == 0, dry.Text);
        Assert.Equal(0, dry.Json.GetProperty("diff").GetProperty("removed").GetArrayLength());
        Assert.Equal(Json(before), Json(Stored(_a.Path)));
    }

    [Fact]
    public async Task ExportOlderGeneration_AndGenerationDiff()
    {
        await using var box = await ApplianceProcess.StartAsync(_a.Path);
        using var api = box.Client();
        // Rules name pools by literal, which must exist when the rule is saved.
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"a"}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"b"}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/rules", """{"name":"r","source":"when('HTTP_REQUEST', ctx => {\n  ctx.lb.pool('a');\n});\n"}""")).Code);
        var g1 = await api.Generation();
        Assert.Equal(200, (await api.Patch("/api/v1/rules/r", """{"source":"when('HTTP_REQUEST', ctx => {\n  ctx.lb.pool('b');\n});\n"}""")).Code);
        var g2 = await api.Generation();

        var diff = await api.Get($"/api/v1/config/diff?from={g1}&to={g2}");
        var (status, old, _) = await BundleApi.Export(api, null, $"?generation={g1}");
        var missing = await api.Get("/api/v1/config/diff?from=999");
        var (missingExport, _, _) = await BundleApi.Export(api, null, "?generation=999");

        Assert.Equal(200, diff.Code);
        var hunk = diff.Json.GetProperty("diff").GetProperty("changed")[0].GetProperty("sourceDiff")[0];
        Assert.Equal([" when('HTTP_REQUEST', ctx => {", "-  ctx.lb.pool('a');", "+  ctx.lb.pool('b');", " });"], hunk.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Equal(200, status);
        var dry = await BundleApi.Import(api, old, "dryRun", null);
        Assert.Equal(g1, dry.Json.GetProperty("bundle").GetProperty("generation").GetInt64());
        Assert.Equal(1, dry.Json.GetProperty("diff").GetProperty("counts").GetProperty("changed").GetInt32());
        Assert.Equal(404, missing.Code);
        Assert.Equal(404, missingExport);
    }
}
