using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store.Migrations;

/// <summary>
/// Generations stored as the objects they changed instead of a whole config each: <c>objects</c> holds each distinct
/// object version once (by the SHA-256 of its JSON), <c>generation_changes</c> says which version of which object a
/// generation set (NULL: deleted). A small change to a big config then costs one row and one object, not the config.
/// The whole configs still kept are converted, oldest first, and their <c>config</c> column cleared.
/// </summary>
internal sealed class M003_ObjectGenerations : IMigration
{
    /// <summary>Where each kind's list sat in the stored config JSON when this migration was written; fixed with it.</summary>
    private static readonly string[] KindPaths =
    [
        "virtuals", "pools", "nodes", "monitors",
        "profiles/tcp", "profiles/http", "profiles/client-ssl", "profiles/server-ssl", "profiles/oneconnect", "profiles/persistence",
        "certificates", "rules", "datagroups",
    ];

    private static readonly Dictionary<string, string> JsonMember = new(StringComparer.Ordinal)
    {
        ["datagroups"] = "dataGroups",
        ["profiles/oneconnect"] = "oneConnect",
    };

    public int Number => 3;
    public string Name => "object generations";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction)
    {
        connection.Execute("""
            CREATE TABLE objects (
                sha256 TEXT PRIMARY KEY,          -- of json, hex
                json   TEXT NOT NULL              -- one object, as the API's JSON dialect writes it
            );
            CREATE TABLE generation_changes (
                generation INTEGER NOT NULL,
                kind       TEXT    NOT NULL,      -- API path: pools, profiles/http, ...
                name       TEXT    NOT NULL,
                object     TEXT    NULL,          -- objects.sha256; NULL: deleted in this generation
                PRIMARY KEY (kind, name, generation)
            );
            CREATE INDEX generation_changes_generation ON generation_changes(generation);
            CREATE INDEX generation_changes_object ON generation_changes(object);
            """, transaction: transaction);

        var previous = new Dictionary<(string Kind, string Name), string>();
        var rows = connection.Query<(long Number, string Config)>(
            "SELECT number, config FROM generations WHERE config IS NOT NULL ORDER BY number", transaction: transaction).ToList();
        foreach (var (number, config) in rows)
        {
            var current = Objects(config);
            foreach (var (key, json) in current)
            {
                var sha = Sha(json);
                if (previous.TryGetValue(key, out var old) && old == sha)
                {
                    continue;
                }
                connection.Execute("INSERT OR IGNORE INTO objects (sha256, json) VALUES (@sha, @json)", new { sha, json }, transaction);
                connection.Execute("INSERT INTO generation_changes (generation, kind, name, object) VALUES (@number, @kind, @name, @sha)", new { number, kind = key.Kind, name = key.Name, sha }, transaction);
                previous[key] = sha;
            }
            foreach (var gone in previous.Keys.Where(k => !current.ContainsKey(k)).ToList())
            {
                connection.Execute("INSERT INTO generation_changes (generation, kind, name, object) VALUES (@number, @kind, @name, NULL)", new { number, kind = gone.Kind, name = gone.Name }, transaction);
                previous.Remove(gone);
            }
        }
        connection.Execute("UPDATE generations SET config = NULL WHERE config IS NOT NULL", transaction: transaction);
    }

    private static Dictionary<(string Kind, string Name), string> Objects(string config)
    {
        var result = new Dictionary<(string, string), string>();
        var root = JsonNode.Parse(config) as JsonObject ?? [];
        foreach (var kind in KindPaths)
        {
            var member = JsonMember.GetValueOrDefault(kind, kind.StartsWith("profiles/", StringComparison.Ordinal) ? kind["profiles/".Length..] : kind);
            var list = kind.StartsWith("profiles/", StringComparison.Ordinal) ? (root["profiles"] as JsonObject)?[member] : root[member];
            if (list is not JsonArray items)
            {
                continue;
            }
            foreach (var item in items.OfType<JsonObject>())
            {
                if (item["name"]?.GetValue<string>() is { } name)
                {
                    result[(kind, name)] = item.ToJsonString(ConfigJson.Options);
                }
            }
        }
        return result;
    }

    private static string Sha(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
