using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Bundles;

/// <summary>Every kind of bad bundle, sent to a real box: a 4xx problem with the reason, and the generation unchanged.</summary>
public sealed class BadBundleTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _box;

    public BadBundleTests(ApplianceFixture box)
    {
        _box = box;
    }

    private static byte[] Good(string? passphrase = BundleForge.Passphrase, ECDsa? signer = null) => BundleForge.Write(BundleForge.Rich(), passphrase, signer);

    private async Task Refused(byte[] bundle, int status, string reason, string detailContains, string? passphrase = BundleForge.Passphrase, string mode = "replace")
    {
        var before = await _box.Admin.Generation();

        var r = await BundleApi.Import(_box.Admin, bundle, mode, passphrase);

        Assert.True(r.Code == status, $"{r.Code} {r.Text}");
        Assert.True(r.IsProblem, r.Text);
        Assert.Equal(reason, r.Json.GetProperty("reason").GetString());
        Assert.Contains(detailContains, r.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await _box.Admin.Generation());
    }

    [Fact]
    public Task Truncated_Refused() => Refused(Good()[..(Good().Length / 2)], 400, "truncated", "not a complete zip");

    [Fact]
    public Task NotAZip_Refused() => Refused("this is not a bundle"u8.ToArray(), 400, "truncated", "not a complete zip");

    [Fact]
    public Task NoManifest_Refused() => Refused(BundleForge.Zip([("rules/a.js", "x"u8.ToArray())]), 400, "missing-manifest", "manifest.json");

    [Fact]
    public Task ChecksumMismatch_Refused()
    {
        var files = BundleForge.Files(Good());
        files.Remove("manifest.sig");
        var manifest = JsonNode.Parse(files["manifest.json"])!.AsObject();
        manifest["files"]!["objects/pools.json"] = new string('a', 64);
        files["manifest.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return Refused(BundleForge.Zip(files), 400, "checksum-mismatch", "objects/pools.json");
    }

    [Fact]
    public Task TamperedRuleFile_Refused()
    {
        var files = BundleForge.Files(Good());
        files["rules/redirect.js"] = "when('HTTP_REQUEST', ctx => ctx.lb.pool('evil'));"u8.ToArray();
        return Refused(BundleForge.Zip(files), 400, "checksum-mismatch", "rules/redirect.js");
    }

    [Fact]
    public Task AddedFile_Refused()
    {
        var files = BundleForge.Files(Good());
        files["rules/extra.js"] = "when('HTTP_REQUEST', ctx => {});"u8.ToArray();
        return Refused(BundleForge.Zip(files), 400, "unlisted-file", "rules/extra.js");
    }

    [Fact]
    public Task RemovedFile_Refused()
    {
        var files = BundleForge.Files(Good());
        files.Remove("certificates/site.pem");
        return Refused(BundleForge.Zip(files), 400, "missing-file", "certificates/site.pem");
    }

    [Fact]
    public Task TamperedSignedManifest_Refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var files = BundleForge.Files(Good(signer: key));
        files["manifest.json"] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(files["manifest.json"]).Replace("\"sourceHost\": \"forge\"", "\"sourceHost\": \"trusted\"", StringComparison.Ordinal));
        return Refused(BundleForge.Zip(files), 400, "bad-signature", "does not verify");
    }

    [Fact]
    public Task WrongPassphrase_Refused() => Refused(Good(), 400, "wrong-passphrase", "passphrase", passphrase: "not it");

    [Fact]
    public Task MissingPassphrase_Refused() => Refused(Good(), 400, "passphrase-required", "X-Bundle-Passphrase", passphrase: null);

    [Fact]
    public Task ZipBomb_Ratio_RefusedWhileInflating() =>
        Refused(BundleForge.Zip([("manifest.json", "{}"u8.ToArray()), ("objects/pools.json", new byte[200 << 20])]), 400, "compression-ratio", "zip bomb");

    [Fact]
    public Task ZipBomb_TotalSize_RefusedWhileInflating() =>
        Refused(BundleForge.Zip(Enumerable.Range(0, 300).Select(i => ($"objects/f{i}.json", new byte[1_000_000]))), 400, "uncompressed-too-large", "in total");

    [Fact]
    public Task ZipBomb_EntryCount_Refused() =>
        Refused(BundleForge.Zip(Enumerable.Range(0, 10_001).Select(i => ($"rules/r{i}.js", Array.Empty<byte>()))), 400, "too-many-entries", "10001 entries");

    [Theory]
    [InlineData("../evil.js")]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("rules/../../evil.js")]
    [InlineData("rules\\..\\evil.js")]
    public Task PathTraversal_Refused(string name)
    {
        var files = BundleForge.Files(Good());
        return Refused(BundleForge.Zip(files.Select(f => (f.Key, f.Value)).Append((name, "x"u8.ToArray()))), 400, "unsafe-path", "not a safe relative path");
    }

    [Fact]
    public Task LocalHeaderNamesAnotherFile_RefusedWithTheReason()
    {
        var bundle = Good();
        // The name is written twice: in the entry's local header (first) and in the central directory (later).
        var at = IndexOf(bundle, "rules/redirect.js"u8);
        bundle[at + "rules/".Length] = (byte)'R';
        return Refused(bundle, 400, "header-mismatch", "entry 'rules/redirect.js' is named 'rules/Redirect.js' in its local file header");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task EntryNameWithNul_RefusedAsUnsafe(bool alsoInLocalHeader)
    {
        var files = BundleForge.Files(Good());
        var bundle = BundleForge.Zip(files.Select(f => (f.Key, f.Value)).Append(("rules/evilX.js", "x"u8.ToArray())));
        var local = IndexOf(bundle, "rules/evilX.js"u8);
        var central = IndexOf(bundle, "rules/evilX.js"u8, local + 1);
        bundle[central + "rules/evil".Length] = 0;
        if (alsoInLocalHeader)
        {
            bundle[local + "rules/evil".Length] = 0;
        }
        return Refused(bundle, 400, "unsafe-path", "contains a NUL character");
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int from = 0)
    {
        var i = haystack.AsSpan(from).IndexOf(needle);
        Assert.True(i >= 0);
        return from + i;
    }

    [Fact]
    public Task DuplicateEntry_Refused()
    {
        var files = BundleForge.Files(Good());
        var entries = files.Select(f => (f.Key, f.Value)).Append(("rules/redirect.js", "when('HTTP_REQUEST', ctx => ctx.lb.pool('evil'));"u8.ToArray()));
        return Refused(BundleForge.Zip(entries), 400, "duplicate-entry", "rules/redirect.js");
    }

    [Fact]
    public Task InvalidJson_Refused()
    {
        var files = BundleForge.Files(Good());
        files["objects/pools.json"] = """[{"name":"web","loadBalancingMode":"round-robin",}]"""u8.ToArray();
        return Refused(BundleForge.Reseal(files), 400, "invalid-json", "objects/pools.json");
    }

    [Fact]
    public Task UnknownField_Refused()
    {
        var files = BundleForge.Files(Good());
        files["objects/nodes.json"] = """[{"name":"n1","address":"10.0.0.1","colour":"blue"}]"""u8.ToArray();
        return Refused(BundleForge.Reseal(files), 400, "invalid-json", "objects/nodes.json[0] ('n1')");
    }

    [Fact]
    public Task ClearKeyInObject_Refused()
    {
        var (pem, key) = Samples.SelfSigned();
        var files = BundleForge.Files(Good());
        files["objects/certificates.json"] = JsonSerializer.SerializeToUtf8Bytes(new[] { new { name = "site", key } });
        files.Remove("keys/site.key");
        _ = pem;
        return Refused(BundleForge.Reseal(files), 400, "invalid-json", "private key in clear");
    }

    [Fact]
    public Task BuiltInObject_Refused()
    {
        var files = BundleForge.Files(Good());
        files["objects/monitors.json"] = """[{"name":"tcp","type":"tcp","interval":1}]"""u8.ToArray();
        return Refused(BundleForge.Reseal(files), 400, "built-in-object", "built-in monitor");
    }

    [Fact]
    public Task NewerFormat_Refused()
    {
        var files = BundleForge.Files(Good());
        return Refused(BundleForge.Reseal(files, m => m["format"] = 99), 400, "newer-format", "newer fulcrum");
    }

    [Fact]
    public Task TooLargeBody_413()
    {
        var body = new byte[(64 << 20) + 1];
        return Refused(body, 413, "too-large", "at most");
    }

    [Fact]
    public async Task MissingReference_422WithPath()
    {
        var config = FulcrumConfig.Default with
        {
            Virtuals = [new VirtualServer { Name = "www", Destination = "127.0.0.1:18081", Pool = "nowhere" }],
        };
        await Refused(BundleForge.Write(config), 422, "invalid-config", "refused with");
        var r = await BundleApi.Import(_box.Admin, BundleForge.Write(config), "dryRun", null);
        Assert.Contains(r.Json.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "virtuals/www/pool");
        Assert.Equal("virtuals", r.Json.GetProperty("diff").GetProperty("added")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task RuleDoesNotCompile_422WithLine()
    {
        var config = FulcrumConfig.Default with { Rules = [new Rule { Name = "broken", Source = "when('HTTP_REQUEST', ctx => {\n  ctx.lb.pool(;\n});" }] };
        await Refused(BundleForge.Write(config), 422, "invalid-config", "refused with", mode: "merge");
        var r = await BundleApi.Import(_box.Admin, BundleForge.Write(config), "merge", null);
        var error = r.Json.GetProperty("errors")[0];
        Assert.Equal("rules/broken/source", error.GetProperty("path").GetString());
        Assert.StartsWith("line 2", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadMode_Or_NotOctetStream_Refused()
    {
        var before = await _box.Admin.Generation();
        var badMode = await BundleApi.Import(_box.Admin, Good(), "overwrite", null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bundle?mode=replace") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        var json = await _box.Admin.SendAsync(request);

        Assert.Equal(400, badMode.Code);
        Assert.Equal(415, json.Code);
        Assert.Equal(before, await _box.Admin.Generation());
    }
}

/// <summary>Bundle calls on the API.</summary>
public static class BundleApi
{
    public static async Task<ApiClient.Response> Import(ApiClient api, byte[] bundle, string mode, string? passphrase, string extraQuery = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bundle?mode={mode}{extraQuery}") { Content = new ByteArrayContent(bundle) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (passphrase is not null)
        {
            request.Headers.Add("X-Bundle-Passphrase", passphrase);
        }
        return await api.SendAsync(request);
    }

    public static async Task<(int Status, byte[] Bytes, HttpResponseMessage Response)> Export(ApiClient api, string? passphrase, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/bundle" + query);
        if (passphrase is not null)
        {
            request.Headers.Add("X-Bundle-Passphrase", passphrase);
        }
        var response = await api.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response);
    }
}
