using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Fulcrum.Appliance.Config.Model;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store;

/// <summary>
/// Config generations in SQLite. Each accepted change is one transaction writing one new generation as the objects it
/// added, changed or deleted (M003): each distinct object version is stored once, so a small change to a big config
/// writes a few rows, not the config. The newest <see cref="KeptWhole"/> generations can be read back whole; as a
/// generation leaves that window, the object versions no kept generation needs are deleted.
/// </summary>
public sealed class ConfigStore
{
    public const int KeptWhole = 50;

    /// <summary>
    /// Each object record's hash, computed once: records are immutable and unchanged ones are shared by later configs.
    /// The JSON is held only until it is written, so the store does not keep a second copy of the config in memory.
    /// </summary>
    private static readonly ConditionalWeakTable<IConfigObject, StoredObject> Stored = new();

    private readonly SqliteDatabase _db;

    public ConfigStore(SqliteDatabase db)
    {
        _db = db;
    }

    public StoredGeneration? Latest()
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>($"SELECT number, created, user, summary, {KeptSql} AS kept, sha256 FROM generations ORDER BY number DESC LIMIT 1");
        return row is null ? null : ToStored(c, row);
    }

    public StoredGeneration? Get(long generation)
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>($"SELECT number, created, user, summary, {KeptSql} AS kept, sha256 FROM generations WHERE number = @generation", new { generation });
        return row is { Kept: true } ? ToStored(c, row) : null;
    }

    public GenerationInfo? Info(long generation)
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>($"SELECT number, created, user, summary, {KeptSql} AS kept, sha256 FROM generations WHERE number = @generation", new { generation });
        return row is null ? null : ToInfo(row);
    }

    /// <summary>History, newest first.</summary>
    public IReadOnlyList<GenerationInfo> List(int limit = 1000, long? before = null)
    {
        using var c = _db.Connect();
        return c.Query<Row>(
                $"SELECT number, created, user, summary, {KeptSql} AS kept, sha256 FROM generations WHERE (@before IS NULL OR number < @before) ORDER BY number DESC LIMIT @limit",
                new { limit, before })
            .Select(ToInfo)
            .ToList();
    }

    /// <summary>Writes <paramref name="config"/> as the generation after <paramref name="expectedLatest"/>, in one transaction.</summary>
    /// <exception cref="StoreException">Another writer got there first.</exception>
    public GenerationInfo Commit(FulcrumConfig config, long expectedLatest, string user, string summary, DateTimeOffset now)
    {
        var objects = new List<(string Kind, string Name, StoredObject Stored)>();
        foreach (var kind in ConfigKinds.All)
        {
            foreach (var o in kind.List(config))
            {
                objects.Add((kind.Path, o.Name, Stored.GetValue(o, x => StoredObject.Of(kind, x))));
            }
        }
        var sha = Digest(objects.Select(o => (o.Kind, o.Name, o.Stored.Sha256)));
        using var c = _db.Connect();
        using var tx = c.BeginTransaction();
        var latest = c.ExecuteScalar<long?>("SELECT MAX(number) FROM generations", transaction: tx) ?? 0;
        if (latest != expectedLatest)
        {
            throw new StoreException($"the store is at generation {latest}, not {expectedLatest}: another process changed it");
        }
        var number = latest + 1;
        var heads = Heads(c, tx, latest).ToDictionary(h => (h.Kind, h.Name), h => h.Object);
        c.Execute(
            "INSERT INTO generations (number, created, user, summary, config, sha256) VALUES (@number, @created, @user, @summary, NULL, @sha)",
            new { number, created = Timestamps.Format(now), user, summary, sha },
            tx);
        foreach (var (kind, name, stored) in objects)
        {
            if (heads.Remove((kind, name), out var head) && head == stored.Sha256)
            {
                continue;
            }
            var json = Seal(kind, name, stored.Json ?? StoredObject.Of(ConfigKinds.Find(kind)!, config, name).Json!);
            c.Execute("INSERT OR IGNORE INTO objects (sha256, json) VALUES (@sha, @json)", new { sha = stored.Sha256, json }, tx);
            c.Execute("INSERT INTO generation_changes (generation, kind, name, object) VALUES (@number, @kind, @name, @sha)", new { number, kind, name, sha = stored.Sha256 }, tx);
        }
        foreach (var (kind, name) in heads.Keys)
        {
            c.Execute("INSERT INTO generation_changes (generation, kind, name, object) VALUES (@number, @kind, @name, NULL)", new { number, kind, name }, tx);
        }
        Compact(c, tx, number - KeptWhole);
        tx.Commit();
        foreach (var (_, _, stored) in objects)
        {
            stored.Json = null;
        }
        return new GenerationInfo(number, now, user, summary, true, sha);
    }

    /// <summary>
    /// Generation <paramref name="cut"/> has just left the kept window: the rows it superseded (and its deletions) are
    /// needed by no kept generation any more, nor are object versions that no remaining row names. Only the keys
    /// that generation changed are touched, so the cost follows that change, not the config.
    /// </summary>
    private static void Compact(SqliteConnection c, SqliteTransaction tx, long cut)
    {
        if (cut < 1)
        {
            return;
        }
        var dropped = c.Query<string>(
            """
            SELECT DISTINCT object FROM generation_changes
            WHERE object IS NOT NULL AND generation < @cut AND (kind, name) IN (SELECT kind, name FROM generation_changes WHERE generation = @cut)
            """, new { cut }, tx).ToList();
        c.Execute(
            """
            DELETE FROM generation_changes
            WHERE (generation < @cut AND (kind, name) IN (SELECT kind, name FROM generation_changes WHERE generation = @cut))
               OR (generation = @cut AND object IS NULL)
            """, new { cut }, tx);
        foreach (var sha in dropped)
        {
            c.Execute("DELETE FROM objects WHERE sha256 = @sha AND NOT EXISTS (SELECT 1 FROM generation_changes WHERE object = @sha)", new { sha }, tx);
        }
    }

    /// <summary>For every object present at <paramref name="generation"/>: the version it had.</summary>
    private static IEnumerable<(string Kind, string Name, string Object)> Heads(SqliteConnection c, SqliteTransaction? tx, long generation) =>
        c.Query<(string Kind, string Name, string Object)>(
            """
            SELECT g.kind, g.name, g.object FROM generation_changes g
            WHERE g.generation = (SELECT MAX(h.generation) FROM generation_changes h WHERE h.kind = g.kind AND h.name = g.name AND h.generation <= @generation)
              AND g.object IS NOT NULL
            """, new { generation }, tx);

    /// <summary>
    /// A certificate's key is written sealed with the box key (M004). The row's hash stays that of the object as the
    /// API sees it, so an unchanged certificate is recognised without opening its key.
    /// </summary>
    private string Seal(string kind, string name, string json)
    {
        if (kind != ConfigKinds.Certificates.Path || JsonNode.Parse(json) is not JsonObject node || node["key"] is not JsonValue key)
        {
            return json;
        }
        node["key"] = _db.Box.Seal(KeyBox.Certificate(name), key.GetValue<string>());
        return node.ToJsonString(ConfigJson.Options);
    }

    private StoredGeneration ToStored(SqliteConnection c, Row row)
    {
        var rows = c.Query<(string Kind, string Name, string Sha256, string Json)>(
            """
            SELECT g.kind, g.name, o.sha256, o.json FROM generation_changes g JOIN objects o ON o.sha256 = g.object
            WHERE g.generation = (SELECT MAX(h.generation) FROM generation_changes h WHERE h.kind = g.kind AND h.name = g.name AND h.generation <= @number)
            """, new { number = row.Number });
        var config = new FulcrumConfig();
        foreach (var group in rows.GroupBy(r => r.Kind, StringComparer.Ordinal))
        {
            var kind = ConfigKinds.Find(group.Key) ?? throw new StoreException($"generation {row.Number} holds objects of an unknown kind '{group.Key}'");
            var items = new List<IConfigObject>();
            foreach (var r in group)
            {
                using var doc = JsonDocument.Parse(r.Json);
                var o = kind.Deserialize(doc.RootElement);
                if (o is Certificate { Key: { } key } cert && KeyBox.IsSealed(key))
                {
                    o = cert with { Key = _db.Box.Open(KeyBox.Certificate(cert.Name), key) };
                }
                // The next commit compares by these hashes: an object loaded and left unchanged is not written again.
                Stored.AddOrUpdate(o, new StoredObject(r.Sha256, null));
                items.Add(o);
            }
            config = kind.WithAll(config, items);
        }
        return new StoredGeneration(ToInfo(row with { Kept = true }), config);
    }

    /// <summary>A generation's hash: SHA-256 over its objects' kinds, names and JSON hashes, in order.</summary>
    private static string Digest(IEnumerable<(string Kind, string Name, string Sha256)> objects)
    {
        var sb = new StringBuilder();
        foreach (var (kind, name, sha) in objects.OrderBy(o => o.Kind, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal))
        {
            sb.Append(kind).Append('\t').Append(name).Append('\t').Append(sha).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>Kept: among the newest <see cref="KeptWhole"/> generations (older ones keep only their history line).</summary>
    private static readonly string KeptSql = $"(number > (SELECT MAX(number) FROM generations) - {KeptWhole})";

    private static GenerationInfo ToInfo(Row row) =>
        new(row.Number, Timestamps.Parse(row.Created), row.User, row.Summary, row.Kept, row.Sha256);

    private sealed class StoredObject(string sha256, string? json)
    {
        public string Sha256 { get; } = sha256;

        /// <summary>Null once written (or when loaded from the store, where it already is).</summary>
        public string? Json { get; set; } = json;

        public static StoredObject Of(ConfigKind kind, IConfigObject o)
        {
            var json = JsonSerializer.Serialize(o, kind.ClrType, ConfigJson.Options);
            return new StoredObject(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))), json);
        }

        public static StoredObject Of(ConfigKind kind, FulcrumConfig config, string name) => Of(kind, kind.Find(config, name)!);
    }

    private sealed record Row
    {
        public long Number { get; init; }
        public string Created { get; init; } = "";
        public string User { get; init; } = "";
        public string Summary { get; init; } = "";
        public bool Kept { get; init; }
        public string Sha256 { get; init; } = "";
    }
}
