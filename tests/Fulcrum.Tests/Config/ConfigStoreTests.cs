using System.Globalization;
using Dapper;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Tests.Config;

public sealed class ConfigStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FulcrumConfig WithPool(string name) =>
        FulcrumConfig.Default with { Pools = [new Pool { Name = name, Members = [new PoolMember { Address = "10.0.0.1", Port = 80, Ratio = 3 }] }] };

    [Fact]
    public void Open_NewDir_MigratesToLatestInWalMode()
    {
        var db = SqliteDatabase.Open(_dir.Path);
        using var c = db.Connect();

        Assert.Equal(Migrator.Latest, c.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal("wal", c.ExecuteScalar<string>("PRAGMA journal_mode"));
        Assert.Equal(4, c.ExecuteScalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name IN ('generations','audit','users','sessions')"));
    }

    [Fact]
    public void Commit_ThenLatest_ReturnsSameConfigFieldForField()
    {
        var store = new ConfigStore(SqliteDatabase.Open(_dir.Path));
        var config = WithPool("web");

        var info = store.Commit(config, 0, "alice", "create pool web", DateTimeOffset.UtcNow);
        var latest = store.Latest()!;

        Assert.Equal(1, info.Generation);
        Assert.Equal("alice", latest.Info.User);
        Assert.Equal(ConfigJsonText(config), ConfigJsonText(latest.Config));
    }

    [Fact]
    public void Commit_StaleExpectedGeneration_Throws()
    {
        var store = new ConfigStore(SqliteDatabase.Open(_dir.Path));
        store.Commit(FulcrumConfig.Default, 0, "a", "one", DateTimeOffset.UtcNow);

        Assert.Throws<StoreException>(() => store.Commit(FulcrumConfig.Default, 0, "b", "two", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Commit_PastWindow_KeepsOnlyLastFiftyWhole()
    {
        var store = new ConfigStore(SqliteDatabase.Open(_dir.Path));
        for (var i = 0; i < ConfigStore.KeptWhole + 5; i++)
        {
            store.Commit(WithPool($"p{i}"), i, "a", $"change {i}", DateTimeOffset.UtcNow);
        }

        var list = store.List();

        Assert.Equal(ConfigStore.KeptWhole + 5, list.Count);
        Assert.Equal(ConfigStore.KeptWhole, list.Count(g => g.Kept));
        Assert.Null(store.Get(5));
        Assert.NotNull(store.Get(6));
        Assert.False(store.Info(1)!.Kept);
    }

    [Fact]
    public void Commit_SmallChangesToABigConfig_StoreGrowsByTheChangeNotTheConfig()
    {
        var db = SqliteDatabase.Open(_dir.Path);
        var store = new ConfigStore(db);
        var bigSource = "// " + new string('x', 1 << 20) + "\nwhen('HTTP_REQUEST', ctx => {});";
        var config = WithPool("web") with { Rules = [new Rule { Name = "big", Source = bigSource }] };
        store.Commit(config, 0, "a", "big rule", DateTimeOffset.UtcNow);
        var before = StoreBytes(db);

        const int changes = 2 * ConfigStore.KeptWhole + 10;
        for (var i = 1; i <= changes; i++)
        {
            config = config with { Pools = [config.Pools[0] with { Description = $"change {i}" }] };
            store.Commit(config, i, "a", $"change {i}", DateTimeOffset.UtcNow);
        }

        var grown = StoreBytes(db) - before;
        Assert.True(grown < (1 << 20), $"{changes} small changes to a 1 MiB config grew the store by {grown} bytes");
        Assert.Equal($"change {changes}", store.Latest()!.Config.Pools[0].Description);
        var oldest = changes + 1 - ConfigStore.KeptWhole + 1;
        Assert.Equal($"change {oldest - 1}", store.Get(oldest)!.Config.Pools[0].Description);
        Assert.Equal(bigSource, store.Get(oldest)!.Config.Rules[0].Source);
        Assert.Null(store.Get(oldest - 1));
        using var c = db.Connect();
        // Versions no kept generation needs are gone: left are the window's pool versions (and the one just before it,
        // dropped at the next commit), the rule and the built-ins.
        var objects = c.ExecuteScalar<int>("SELECT COUNT(*) FROM objects");
        Assert.True(objects <= ConfigStore.KeptWhole + 2 + FulcrumConfig.Default.Profiles.All().Count() + FulcrumConfig.Default.Monitors.Length, $"{objects} object versions kept");
    }

    /// <summary>The file's size once the write-ahead log is checkpointed into it (the log itself is bounded by SQLite's auto-checkpoint).</summary>
    private static long StoreBytes(SqliteDatabase db)
    {
        using (var c = db.Connect())
        {
            c.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        return new FileInfo(db.Path).Length;
    }

    [Fact]
    public void Times_StoredInvariant_UnderFarsiCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fa-IR");
            var store = new ConfigStore(SqliteDatabase.Open(_dir.Path));
            var when = new DateTimeOffset(2026, 11, 24, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);

            store.Commit(FulcrumConfig.Default, 0, "a", "x", when);

            Assert.Equal(when, store.List()[0].Time);
            using var c = SqliteDatabase.Open(_dir.Path).Connect();
            Assert.StartsWith("2026-11-24T07:08:09", c.ExecuteScalar<string>("SELECT created FROM generations"), StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Open_NewerSchema_RefusedWithMessage()
    {
        var db = SqliteDatabase.Open(_dir.Path);
        using (var c = db.Connect())
        {
            c.Execute("PRAGMA user_version = 999");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var ex = Assert.Throws<StoreException>(() => SqliteDatabase.Open(_dir.Path));
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_AppendAndList_NewestFirst()
    {
        var audit = new AuditLog(SqliteDatabase.Open(_dir.Path));
        audit.Append(DateTimeOffset.UtcNow, "alice", "127.0.0.1", "POST", "/api/v1/pools", 201, 2, "create pool web");
        audit.Append(DateTimeOffset.UtcNow, "bob", "127.0.0.2", "DELETE", "/api/v1/pools/web", 204, 3, "delete pool web");

        var list = audit.List();

        Assert.Equal(["bob", "alice"], list.Select(a => a.User));
        Assert.Equal(3, list[0].Generation);
    }

    private static string ConfigJsonText(FulcrumConfig config) => System.Text.Json.JsonSerializer.Serialize(config, Fulcrum.Appliance.Config.ConfigJson.Options);
}
