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
