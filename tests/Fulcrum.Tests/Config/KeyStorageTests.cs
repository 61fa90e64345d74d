using System.Text;
using Dapper;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Tests.Config;

/// <summary>Certificate keys at rest: sealed with the box key beside the database, in clear only in memory.</summary>
public sealed class KeyStorageTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (FulcrumConfig Config, string KeyPem) WithCertificate()
    {
        var leaf = TestPki.Leaf("stored.example.test", rsa: true);
        var config = FulcrumConfig.Default with { Certificates = [new Certificate { Name = "site", Pem = leaf.Pem, Key = leaf.KeyPem }] };
        return (config, leaf.KeyPem);
    }

    /// <summary>The base64 body of a PEM (its lines, joined), and each of its lines: none may appear in the raw files.</summary>
    private static IEnumerable<string> Secrets(string pem)
    {
        var lines = pem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        return [pem, string.Concat(lines), .. lines.Where(l => l.Length >= 32)];
    }

    private string RawFiles()
    {
        SqliteConnection.ClearAllPools();
        var sb = new StringBuilder();
        foreach (var f in Directory.GetFiles(_dir.Path, SqliteDatabase.FileName + "*").Where(f => !f.EndsWith(KeyBox.FileSuffix, StringComparison.Ordinal)))
        {
            sb.Append(Encoding.Latin1.GetString(File.ReadAllBytes(f)));
        }
        return sb.ToString();
    }

    [Fact]
    public void Commit_CertificateWithKey_RawFilesDoNotHoldTheKey_ReadBackInClear()
    {
        var (config, keyPem) = WithCertificate();
        var store = new ConfigStore(SqliteDatabase.Open(_dir.Path));

        store.Commit(config, 0, "a", "cert", DateTimeOffset.UtcNow);

        var raw = RawFiles();
        Assert.Contains("BEGIN CERTIFICATE", raw, StringComparison.Ordinal);
        foreach (var secret in Secrets(keyPem))
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
        Assert.Contains(KeyBox.Prefix, raw, StringComparison.Ordinal);
        var reopened = new ConfigStore(SqliteDatabase.Open(_dir.Path));
        Assert.Equal(keyPem, reopened.Latest()!.Config.Certificates.Single().Key);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Open_NewStore_CreatesBoxKeyOwnerOnly_AndReusesIt()
    {
        var (config, keyPem) = WithCertificate();
        new ConfigStore(SqliteDatabase.Open(_dir.Path)).Commit(config, 0, "a", "cert", DateTimeOffset.UtcNow);
        var path = Path.Combine(_dir.Path, SqliteDatabase.FileName + KeyBox.FileSuffix);
        var first = File.ReadAllText(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(keyPem, new ConfigStore(SqliteDatabase.Open(_dir.Path)).Latest()!.Config.Certificates.Single().Key);
        Assert.Equal(first, File.ReadAllText(path));

        // Widened by a careless restore: narrowed again at the next open.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        SqliteDatabase.Open(_dir.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Open_AnotherBoxKey_KeysDoNotOpen_StoreExceptionSaysWhy()
    {
        var (config, _) = WithCertificate();
        new ConfigStore(SqliteDatabase.Open(_dir.Path)).Commit(config, 0, "a", "cert", DateTimeOffset.UtcNow);
        var path = Path.Combine(_dir.Path, SqliteDatabase.FileName + KeyBox.FileSuffix);
        File.Delete(path);

        var store = new ConfigStore(SqliteDatabase.Open(_dir.Path));

        var ex = Assert.Throws<StoreException>(() => store.Latest());
        Assert.Contains("box key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_BoxKeyFileDamaged_Refused_FileKept()
    {
        SqliteDatabase.Open(_dir.Path);
        var path = Path.Combine(_dir.Path, SqliteDatabase.FileName + KeyBox.FileSuffix);
        File.WriteAllText(path, "not a key");

        var ex = Assert.Throws<StoreException>(() => SqliteDatabase.Open(_dir.Path));

        Assert.Contains("not a Fulcrum box key", ex.Message, StringComparison.Ordinal);
        Assert.Equal("not a key", File.ReadAllText(path));
    }

    [Fact]
    public void Commit_UnchangedCertificate_NotWrittenAgain()
    {
        var (config, _) = WithCertificate();
        var db = SqliteDatabase.Open(_dir.Path);
        var store = new ConfigStore(db);
        store.Commit(config, 0, "a", "cert", DateTimeOffset.UtcNow);
        var loaded = new ConfigStore(SqliteDatabase.Open(_dir.Path)).Latest()!.Config;

        new ConfigStore(db).Commit(loaded with { Pools = [new Pool { Name = "p" }] }, 1, "a", "pool", DateTimeOffset.UtcNow);

        using var c = db.Connect();
        Assert.Equal(1, c.ExecuteScalar<int>("SELECT COUNT(*) FROM generation_changes WHERE kind = 'certificates'"));
    }
}
