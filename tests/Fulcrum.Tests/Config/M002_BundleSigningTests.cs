using Dapper;
using Fulcrum.Appliance.Config.Bundles.Signing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Tests.Config;

/// <summary>M002 on a real file that holds data in the M001 schema: the data stays, the new tables work.</summary>
public sealed class M002_BundleSigningTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Migrate_FromVersion1WithData_KeepsDataAndAddsSigningTables()
    {
        var path = Path.Combine(_dir.Path, SqliteDatabase.FileName);
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Assert.Equal(0, Migrator.Migrate(c, target: 1));
            c.Execute("INSERT INTO generations (number, created, user, summary, config, sha256) VALUES (1, '2024-01-01T00:00:00.0000000Z', 'system', 'initial', '{}', 'x')");
            c.Execute("INSERT INTO users (name, role, password_hash, created, updated) VALUES ('admin', 'admin', 'h', 't', 't')");
        }
        SqliteConnection.ClearAllPools();

        var db = SqliteDatabase.Open(_dir.Path);

        using var check = db.Connect();
        Assert.Equal(Migrator.Latest, check.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal("initial", new ConfigStore(db).Info(1)!.Summary);
        Assert.Equal(1, check.ExecuteScalar<int>("SELECT COUNT(*) FROM users WHERE name = 'admin'"));
        // The signing table works: the key is made on first use, its fingerprint is its public key's, and another
        // store over the same file reads the same key back instead of making a second one.
        var keys = new SigningKeyStore(db, TimeProvider.System);
        var (publicKey, fingerprint) = keys.Public();
        Assert.Equal(SignerKeys.Fingerprint(publicKey), fingerprint);
        Assert.Equal(fingerprint, new SigningKeyStore(db, TimeProvider.System).Public().Fingerprint);
        Assert.Equal(1, check.ExecuteScalar<int>("SELECT COUNT(*) FROM signing_key"));
        var signers = new TrustedSignerStore(db);
        Assert.True(signers.Add("peer", keys.Public().PublicKey, "admin", DateTimeOffset.UtcNow));
        Assert.False(signers.Add("peer", keys.Public().PublicKey, "admin", DateTimeOffset.UtcNow));
        signers.RequireSignature = true;
        Assert.True(signers.RequireSignature);
        Assert.Throws<SqliteException>(() => check.Execute("INSERT INTO signing_key (id, private_key, public_key, fingerprint, created) VALUES (2, 'a', 'b', 'c', 'd')"));
        _ = FulcrumConfig.Default;
    }
}
