using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Tests.Config;

/// <summary>M004 on a real file filled in the M003 schema with keys in clear: sealed afterwards, read back the same, gone from the file.</summary>
public sealed class M004_SealedKeysTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Migrate_FromVersion3WithKeysInClear_KeysSealedAndReadBack_FileHoldsNoKey()
    {
        var leaf = TestPki.Leaf("old.example.test");
        var cert = new Certificate { Name = "site", Pem = leaf.Pem, Key = leaf.KeyPem };
        var json = JsonSerializer.Serialize(cert, ConfigJson.Options);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        var path = Path.Combine(_dir.Path, SqliteDatabase.FileName);
        byte[] signerPublic;
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Assert.Equal(0, Migrator.Migrate(c, target: 3));
            c.Execute("INSERT INTO generations (number, created, user, summary, config, sha256) VALUES (1, '2024-01-01T00:00:00.0000000Z', 'alice', 'cert', NULL, 'x')");
            c.Execute("INSERT INTO objects (sha256, json) VALUES (@sha, @json)", new { sha, json });
            c.Execute("INSERT INTO generation_changes (generation, kind, name, object) VALUES (1, 'certificates', 'site', @sha)", new { sha });
            using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            c.Execute("INSERT INTO signing_key (id, private_key, public_key, fingerprint, created) VALUES (1, @priv, @pub, 'fp', '2024-01-01T00:00:00.0000000Z')",
                new { priv = signer.ExportPkcs8PrivateKeyPem(), pub = Convert.ToBase64String(signer.ExportSubjectPublicKeyInfo()) });
            signerPublic = signer.ExportSubjectPublicKeyInfo();
        }
        SqliteConnection.ClearAllPools();
        Assert.Contains("PRIVATE KEY", Encoding.Latin1.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);

        var db = SqliteDatabase.Open(_dir.Path);
        var store = new ConfigStore(db);

        using (var check = db.Connect())
        {
            Assert.Equal(Migrator.Latest, check.ExecuteScalar<int>("PRAGMA user_version"));
            // The row keeps the hash of the object as the API wrote it.
            Assert.StartsWith("{", check.ExecuteScalar<string>("SELECT json FROM objects WHERE sha256 = @sha", new { sha }), StringComparison.Ordinal);
        }
        var read = store.Latest()!.Config.Certificates.Single();
        // The bundle signing key is sealed too and still signs as the same key.
        using (var signing = new Fulcrum.Appliance.Config.Bundles.Signing.SigningKeyStore(db, TimeProvider.System).Private())
        {
            Assert.Equal(signerPublic, signing.ExportSubjectPublicKeyInfo());
        }
        Assert.Equal(leaf.KeyPem, read.Key);
        Assert.Equal(leaf.Pem, read.Pem);
        SqliteConnection.ClearAllPools();
        var raw = string.Concat(Directory.GetFiles(_dir.Path, SqliteDatabase.FileName + "*")
            .Where(f => !f.EndsWith(KeyBox.FileSuffix, StringComparison.Ordinal))
            .Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
        var body = string.Concat(leaf.KeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        Assert.DoesNotContain(leaf.KeyPem.Split('\n')[1], raw, StringComparison.Ordinal);
        Assert.DoesNotContain(body, raw, StringComparison.Ordinal);
    }
}
