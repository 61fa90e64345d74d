using System.Text.Json;
using Dapper;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Tests.Config;

/// <summary>M003 on a real file filled in the M002 schema (whole configs per generation): every kept config reads back the same.</summary>
public sealed class M003_ObjectGenerationsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FulcrumConfig Config(int i) => FulcrumConfig.Default with
    {
        Pools = [new Pool { Name = "web", Description = $"v{i}", Members = [new PoolMember { Address = "10.0.0.1", Port = 80 }] }],
        Rules = i % 2 == 0 ? [new Rule { Name = "r", Source = "when('HTTP_REQUEST', ctx => {});" }] : [],
        DataGroups = [new DataGroup { Name = "dg", Records = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("k", "v")]) }],
    };

    private static string Text(FulcrumConfig config) => JsonSerializer.Serialize(config, ConfigJson.Options);

    [Fact]
    public void Migrate_FromVersion2WithWholeConfigs_EveryKeptGenerationReadsBackTheSame()
    {
        var path = Path.Combine(_dir.Path, SqliteDatabase.FileName);
        using (var c = new SqliteConnection($"Data Source={path}"))
        {
            c.Open();
            Assert.Equal(0, Migrator.Migrate(c, target: 2));
            // Generation 1 is past the old window (config NULL); 2..5 are whole configs, one deleting the rule.
            c.Execute("INSERT INTO generations (number, created, user, summary, config, sha256) VALUES (1, '2024-01-01T00:00:00.0000000Z', 'system', 'initial', NULL, 'a')");
            for (var i = 2; i <= 5; i++)
            {
                c.Execute("INSERT INTO generations (number, created, user, summary, config, sha256) VALUES (@i, '2024-01-01T00:00:00.0000000Z', 'alice', @s, @config, 'x')",
                    new { i, s = $"change {i}", config = Text(Config(i)) });
            }
            c.Execute("INSERT INTO users (name, role, password_hash, created, updated) VALUES ('admin', 'admin', 'h', 't', 't')");
        }
        SqliteConnection.ClearAllPools();

        var db = SqliteDatabase.Open(_dir.Path);
        var store = new ConfigStore(db);

        using var check = db.Connect();
        Assert.Equal(Migrator.Latest, check.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal(0, check.ExecuteScalar<int>("SELECT COUNT(*) FROM generations WHERE config IS NOT NULL"));
        Assert.Equal(1, check.ExecuteScalar<int>("SELECT COUNT(*) FROM users"));
        for (var i = 2; i <= 5; i++)
        {
            Assert.Equal(Text(Config(i)), Text(store.Get(i)!.Config));
            Assert.Equal($"change {i}", store.Info(i)!.Summary);
        }
        Assert.Equal(Text(Config(5)), Text(store.Latest()!.Config));
        // Unchanged objects (built-ins, the data group) are stored once, not once per generation.
        Assert.Equal(1, check.ExecuteScalar<int>("SELECT COUNT(*) FROM generation_changes WHERE kind = 'datagroups'"));

        var next = store.Commit(Config(6), 5, "bob", "change 6", DateTimeOffset.UtcNow);
        Assert.Equal(Text(Config(6)), Text(store.Get(next.Generation)!.Config));
        Assert.Equal(Text(Config(5)), Text(store.Get(5)!.Config));
    }
}
