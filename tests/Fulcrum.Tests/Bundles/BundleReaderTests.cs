using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Bundles;
using Fulcrum.Appliance.Config.Bundles.Format;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Tests.Bundles;

/// <summary>The bundle format in process: writer and reader agree, keys never appear in clear, limits hold, old formats migrate.</summary>
public sealed class BundleReaderTests
{
    private static string Json(FulcrumConfig c) => JsonSerializer.Serialize(c, ConfigJson.Options);

    private static FulcrumConfig WithoutBuiltIns(FulcrumConfig c) =>
        ConfigKinds.All.Aggregate(new FulcrumConfig(), (acc, k) => k.List(c).Where(o => !BuiltIns.IsBuiltIn(k.Path, o.Name)).Aggregate(acc, k.Upsert));

    [Fact]
    public void Read_WhatWriteWrote_SameObjectsKeysIncluded()
    {
        var config = BundleForge.Rich();

        var contents = BundleReader.Read(BundleForge.Write(config), BundleForge.Passphrase);

        Assert.Equal(Json(WithoutBuiltIns(config)), Json(contents.Objects));
        Assert.Equal(KeyModes.Encrypted, contents.Manifest.Keys);
        Assert.Equal(BundleFormat.Current, contents.SourceFormat);
        Assert.NotNull(contents.Objects.Certificates.Single(c => c.Name == "site").Key);
    }

    [Fact]
    public void Write_Layout_OneFilePerKindRulesAsJsCertificatesAsPemKeysEncrypted()
    {
        var files = BundleForge.Files(BundleForge.Write(BundleForge.Rich()));

        Assert.Contains("objects/pools.json", files.Keys);
        Assert.Contains("objects/profiles/client-ssl.json", files.Keys);
        Assert.Contains("rules/redirect.js", files.Keys);
        Assert.Contains("rules/block.js", files.Keys);
        Assert.Contains("certificates/site.pem", files.Keys);
        Assert.Contains("keys/site.key", files.Keys);
        Assert.DoesNotContain("keys/ca.key", files.Keys);
        Assert.DoesNotContain(files, f => Encoding.UTF8.GetString(f.Value).Contains("PRIVATE KEY", StringComparison.Ordinal));
        var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement;
        Assert.Equal(600_000, manifest.GetProperty("keyEncryption").GetProperty("iterations").GetInt32());
        Assert.Equal(files.Count - 1, manifest.GetProperty("files").EnumerateObject().Count());
    }

    [Fact]
    public void Write_BuiltIns_NeverExported()
    {
        var files = BundleForge.Files(BundleForge.Write(BundleForge.Rich()));

        var monitors = JsonDocument.Parse(files["objects/monitors.json"]).RootElement.EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Equal(["web-http"], monitors);
        Assert.DoesNotContain(JsonDocument.Parse(files["objects/profiles/persistence.json"]).RootElement.EnumerateArray(), p => p.GetProperty("name").GetString() is "cookie" or "universal" or "source-addr");
    }

    [Fact]
    public void Write_NoPassphrase_KeysLeftOutAndManifestSaysSo()
    {
        var bundle = BundleForge.Write(BundleForge.Rich(), passphrase: null);
        var files = BundleForge.Files(bundle);

        Assert.DoesNotContain(files.Keys, k => k.StartsWith("keys/", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => Encoding.UTF8.GetString(f.Value).Contains("PRIVATE KEY", StringComparison.Ordinal));
        var contents = BundleReader.Read(bundle, null);
        Assert.Equal(KeyModes.Omitted, contents.Manifest.Keys);
        Assert.Equal(["site"], contents.Manifest.OmittedKeys.ToArray());
        Assert.Null(contents.Objects.Certificates.Single(c => c.Name == "site").Key);
    }

    [Fact]
    public void Read_WrongOrMissingPassphrase_Refused()
    {
        var bundle = BundleForge.Write(BundleForge.Rich());

        Assert.Equal(BundleError.WrongPassphrase, Assert.Throws<BundleException>(() => BundleReader.Read(bundle, "wrong")).Error);
        Assert.Equal(BundleError.PassphraseRequired, Assert.Throws<BundleException>(() => BundleReader.Read(bundle, null)).Error);
    }

    [Fact]
    public void Read_KeyFileMovedToAnotherCertificate_DoesNotDecrypt()
    {
        var (pem, key) = Infrastructure.Samples.SelfSigned("other.test");
        var config = BundleForge.Rich() with { Certificates = [.. BundleForge.Rich().Certificates, new Certificate { Name = "other", Pem = pem, Key = key }] };
        var files = BundleForge.Files(BundleForge.Write(config));
        (files["keys/site.key"], files["keys/other.key"]) = (files["keys/other.key"], files["keys/site.key"]);

        var ex = Assert.Throws<BundleException>(() => BundleReader.Read(BundleForge.Reseal(files), BundleForge.Passphrase));

        Assert.Equal(BundleError.WrongPassphrase, ex.Error);
    }

    [Fact]
    public void Read_SignedBundle_SignerFingerprintIsTheKeys()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var contents = BundleReader.Read(BundleForge.Write(BundleForge.Rich(), signer: key), BundleForge.Passphrase);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo())), contents.Signer!.Fingerprint);
    }

    [Fact]
    public void Read_TotalUncompressedOverLimit_RefusedWhileInflating()
    {
        var entries = Enumerable.Range(0, 5).Select(i => ($"objects/f{i}.json", new byte[300_000]));
        var limits = new BundleLimits { MaxTotalBytes = 1_000_000 };

        var ex = Assert.Throws<BundleException>(() => BundleReader.Read(BundleForge.Zip(entries), null, limits));

        Assert.Equal(BundleError.UncompressedTooLarge, ex.Error);
        Assert.Contains("objects/f3.json", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("manifest.json", true)]
    [InlineData("objects/profiles/client-ssl.json", true)]
    [InlineData("../evil.js", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("rules/../../x", false)]
    [InlineData("rules\\x.js", false)]
    [InlineData("C:/x.js", false)]
    [InlineData("rules//x.js", false)]
    [InlineData("./manifest.json", false)]
    [InlineData("", false)]
    public void IsSafe_Paths(string path, bool safe) => Assert.Equal(safe, BundleLayout.IsSafe(path));

    /// <summary>A "version 0" bundle made by hand: one config.json, pools with lbMethod, hashes under sha256.</summary>
    [Fact]
    public void Read_Version0Bundle_MigratedToCurrent()
    {
        var config = """
            {"pools":[{"name":"web","lbMethod":"ratio","members":[{"address":"10.0.0.1","port":80,"ratio":3}]}],
             "rules":[{"name":"r","source":"when('HTTP_REQUEST', ctx => ctx.lb.pool('web'));"}],
             "virtuals":[{"name":"www","destination":"127.0.0.1:18080","pool":"web","rules":["r"]}]}
            """u8.ToArray();
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            version = 0,
            created = "2024-05-01T10:00:00Z",
            host = "old-box",
            generation = 42,
            sha256 = new Dictionary<string, string> { ["config.json"] = Convert.ToHexStringLower(SHA256.HashData(config)) },
        });

        var contents = BundleReader.Read(BundleForge.Zip([("manifest.json", manifest), ("config.json", config)]), null);

        Assert.Equal(0, contents.SourceFormat);
        Assert.Equal(BundleFormat.Current, contents.Manifest.Format);
        Assert.Equal("old-box", contents.Manifest.SourceHost);
        Assert.Equal(42, contents.Manifest.Generation);
        Assert.Equal("ratio", contents.Objects.Pools.Single().LoadBalancingMode);
        Assert.Equal(3, contents.Objects.Pools.Single().Members.Single().Ratio);
        Assert.Equal("when('HTTP_REQUEST', ctx => ctx.lb.pool('web'));", contents.Objects.Rules.Single().Source);
        Assert.Equal("web", contents.Objects.Virtuals.Single().Pool);
    }

    [Fact]
    public void Read_Version0Bundle_ChecksumCheckedBeforeMigration()
    {
        var config = """{"pools":[]}"""u8.ToArray();
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new { version = 0, sha256 = new Dictionary<string, string> { ["config.json"] = new string('0', 64) } });

        var ex = Assert.Throws<BundleException>(() => BundleReader.Read(BundleForge.Zip([("manifest.json", manifest), ("config.json", config)]), null));

        Assert.Equal(BundleError.ChecksumMismatch, ex.Error);
    }

    [Theory]
    [InlineData(BundleError.ChecksumMismatch, "checksum-mismatch", 400)]
    [InlineData(BundleError.UntrustedSigner, "untrusted-signer", 403)]
    [InlineData(BundleError.TooLarge, "too-large", 413)]
    [InlineData(BundleError.InvalidConfig, "invalid-config", 422)]
    public void BundleErrors_ReasonAndStatus(BundleError error, string reason, int status)
    {
        Assert.Equal(reason, BundleErrors.Reason(error));
        Assert.Equal(status, BundleErrors.Status(error));
    }
}
