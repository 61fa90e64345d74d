using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Bundles;

/// <summary>Signing key, trusted signers, requireSignature, and who may export and import.</summary>
public sealed class BundleSigningTests : IDisposable
{
    private readonly TempDir _a = new();
    private readonly TempDir _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task RequireSignature_OnlyTrustedSignersAccepted()
    {
        await using var boxA = await ApplianceProcess.StartAsync(_a.Path);
        await using var boxB = await ApplianceProcess.StartAsync(_b.Path);
        using var a = boxA.Client();
        using var b = boxB.Client();
        Assert.Equal(201, (await a.Post("/api/v1/pools", """{"name":"web","members":[{"address":"10.0.0.1","port":80}]}""")).Code);
        var (_, signed, _) = await BundleApi.Export(a, null);
        var (_, unsigned, _) = await BundleApi.Export(a, null, "?sign=false");
        Assert.Equal(200, (await b.Put("/api/v1/bundle/settings", """{"requireSignature":true}""")).Code);
        var before = await b.Generation();

        var noSignature = await BundleApi.Import(b, unsigned, "replace", null);
        var untrusted = await BundleApi.Import(b, signed, "replace", null);
        Assert.Equal(403, noSignature.Code);
        Assert.Equal("signature-required", noSignature.Json.GetProperty("reason").GetString());
        Assert.Equal(403, untrusted.Code);
        Assert.Equal("untrusted-signer", untrusted.Json.GetProperty("reason").GetString());
        Assert.Equal(before, await b.Generation());

        var key = (await a.Get("/api/v1/bundle/signing-key")).Json;
        var add = await b.Post("/api/v1/bundle/signers", JsonSerializer.Serialize(new { name = "box-a", publicKey = key.GetProperty("publicKey").GetString() }));
        Assert.True(add.Code == 201, add.Text);
        Assert.Equal(key.GetProperty("fingerprint").GetString(), add.Json.GetProperty("fingerprint").GetString());
        Assert.Equal(409, (await b.Post("/api/v1/bundle/signers", JsonSerializer.Serialize(new { name = "again", publicKey = key.GetProperty("publicKey").GetString() }))).Code);
        Assert.Equal(400, (await b.Post("/api/v1/bundle/signers", """{"name":"junk","publicKey":"not a key"}""")).Code);

        var trusted = await BundleApi.Import(b, signed, "replace", null);
        Assert.True(trusted.Code == 200, trusted.Text);
        Assert.Equal("box-a", trusted.Json.GetProperty("signature").GetProperty("signer").GetString());
        Assert.True(trusted.Json.GetProperty("signature").GetProperty("trusted").GetBoolean());
        Assert.Equal(before + 1, await b.Generation());

        var list = await b.Get("/api/v1/bundle/signers");
        Assert.True(list.Json.GetProperty("requireSignature").GetBoolean());
        Assert.Equal("box-a", list.Json.GetProperty("signers")[0].GetProperty("name").GetString());
        Assert.Equal(204, (await b.Delete("/api/v1/bundle/signers/box-a")).Code);
        Assert.Equal(404, (await b.Delete("/api/v1/bundle/signers/box-a")).Code);
        Assert.Equal(403, (await BundleApi.Import(b, signed, "dryRun", null)).Code);
    }

    [Fact]
    public async Task Roles_AuditorExportsWithoutKeysOnly_OnlyAdminImports()
    {
        await using var box = await ApplianceProcess.StartAsync(_a.Path);
        using var admin = box.Client();
        Assert.Equal(201, (await admin.Post("/api/v1/users", """{"name":"aud","role":"auditor","password":"Auditor-Secret-1"}""")).Code);
        Assert.Equal(201, (await admin.Post("/api/v1/users", """{"name":"op","role":"operator","password":"Operator-Secret-1"}""")).Code);
        using var auditor = box.Client("aud", "Auditor-Secret-1");
        using var op = box.Client("op", "Operator-Secret-1");

        var (plain, bundle, _) = await BundleApi.Export(auditor, null);
        var (withKeys, _, _) = await BundleApi.Export(auditor, BundleForge.Passphrase);
        var opImport = await BundleApi.Import(op, bundle, "dryRun", null);
        var audImport = await BundleApi.Import(auditor, bundle, "dryRun", null);
        var audSigners = await auditor.Get("/api/v1/bundle/signers");

        Assert.Equal(200, plain);
        Assert.Equal(403, withKeys);
        Assert.Equal(403, opImport.Code);
        Assert.Equal(403, audImport.Code);
        Assert.Equal(403, audSigners.Code);
    }
}
