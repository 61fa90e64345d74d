using System.Text.Json;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>The store's cost per change follows the change: small PATCHes next to a big object do not copy it.</summary>
public sealed class StoreGrowthTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public StoreGrowthTests(ApplianceFixture fixture)
    {
        _f = fixture;
    }

    [Fact]
    public async Task SmallPatches_BesideAFourMegabyteDataGroup_GrowTheFileByFarLessThanTheConfig()
    {
        var api = _f.Admin;
        var records = Enumerable.Range(0, 40_000).ToDictionary(i => $"key-{i:D6}", _ => new string('v', 100));
        var big = await api.Post("/api/v1/datagroups", JsonSerializer.Serialize(new { name = "big", type = "string", records }));
        Assert.True(big.Code == 201, $"{big.Code} {big.Text[..Math.Min(300, big.Text.Length)]}");
        var created = await api.Post("/api/v1/pools", """{"name":"small"}""");
        Assert.Equal(201, created.Code);
        var configBytes = (await api.Get("/api/v1/config")).Text.Length;
        var before = StoreBytes();

        const int patches = 20;
        for (var i = 0; i < patches; i++)
        {
            var r = await api.Patch("/api/v1/pools/small", $$"""{"description":"change {{i}}"}""");
            Assert.Equal(200, r.Code);
        }

        var grown = StoreBytes() - before;
        Assert.True(configBytes > 4_000_000, $"config is {configBytes} bytes");
        // Whole configs per generation grew it by configBytes per PATCH; the WAL's own growth is bounded by its checkpoints.
        Assert.True(grown < configBytes / 4, $"{patches} small PATCHes to a {configBytes}-byte config grew the store by {grown} bytes");
        var latest = (await api.Get("/api/v1/pools/small")).Json.GetProperty("description").GetString();
        Assert.Equal($"change {patches - 1}", latest);
    }

    private long StoreBytes() =>
        Directory.GetFiles(_f.Appliance.DataDir, SqliteDatabase.FileName + "*").Sum(f => new FileInfo(f).Length);
}
