using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Store;

/// <summary>
/// Config generations in SQLite. Each accepted change is one transaction writing one new generation holding the
/// whole config; the newest <see cref="KeptWhole"/> keep their config, older ones keep only their history line.
/// </summary>
public sealed class ConfigStore
{
    public const int KeptWhole = 50;

    private readonly SqliteDatabase _db;

    public ConfigStore(SqliteDatabase db)
    {
        _db = db;
    }

    public StoredGeneration? Latest()
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>("SELECT number, created, user, summary, config, sha256 FROM generations ORDER BY number DESC LIMIT 1");
        return row is null ? null : ToStored(row);
    }

    public StoredGeneration? Get(long generation)
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>("SELECT number, created, user, summary, config, sha256 FROM generations WHERE number = @generation", new { generation });
        return row?.Config is null ? null : ToStored(row);
    }

    public GenerationInfo? Info(long generation)
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>("SELECT number, created, user, summary, config IS NOT NULL AS kept, sha256 FROM generations WHERE number = @generation", new { generation });
        return row is null ? null : ToInfo(row);
    }

    /// <summary>History, newest first.</summary>
    public IReadOnlyList<GenerationInfo> List(int limit = 1000, long? before = null)
    {
        using var c = _db.Connect();
        return c.Query<Row>(
                "SELECT number, created, user, summary, config IS NOT NULL AS kept, sha256 FROM generations WHERE (@before IS NULL OR number < @before) ORDER BY number DESC LIMIT @limit",
                new { limit, before })
            .Select(ToInfo)
            .ToList();
    }

    /// <summary>Writes <paramref name="config"/> as the generation after <paramref name="expectedLatest"/>, in one transaction.</summary>
    /// <exception cref="StoreException">Another writer got there first.</exception>
    public GenerationInfo Commit(FulcrumConfig config, long expectedLatest, string user, string summary, DateTimeOffset now)
    {
        var json = JsonSerializer.Serialize(config, ConfigJson.Options);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        using var c = _db.Connect();
        using var tx = c.BeginTransaction();
        var latest = c.ExecuteScalar<long?>("SELECT MAX(number) FROM generations", transaction: tx) ?? 0;
        if (latest != expectedLatest)
        {
            throw new StoreException($"the store is at generation {latest}, not {expectedLatest}: another process changed it");
        }
        var number = latest + 1;
        c.Execute(
            "INSERT INTO generations (number, created, user, summary, config, sha256) VALUES (@number, @created, @user, @summary, @json, @sha)",
            new { number, created = Timestamps.Format(now), user, summary, json, sha },
            tx);
        c.Execute("UPDATE generations SET config = NULL WHERE number <= @cut AND config IS NOT NULL", new { cut = number - KeptWhole }, tx);
        tx.Commit();
        return new GenerationInfo(number, now, user, summary, true, sha);
    }

    private static StoredGeneration ToStored(Row row)
    {
        var config = JsonSerializer.Deserialize<FulcrumConfig>(row.Config!, ConfigJson.Options)
            ?? throw new StoreException($"generation {row.Number} holds no config");
        return new StoredGeneration(ToInfo(row with { Kept = true }), config);
    }

    private static GenerationInfo ToInfo(Row row) =>
        new(row.Number, Timestamps.Parse(row.Created), row.User, row.Summary, row.Kept || row.Config is not null, row.Sha256);

    private sealed record Row
    {
        public long Number { get; init; }
        public string Created { get; init; } = "";
        public string User { get; init; } = "";
        public string Summary { get; init; } = "";
        public string? Config { get; init; }
        public bool Kept { get; init; }
        public string Sha256 { get; init; } = "";
    }
}
