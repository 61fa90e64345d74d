using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store.Migrations;

/// <summary>
/// Private keys sealed with the box key (<see cref="KeyBox"/>) instead of stored in clear. The schema is the same:
/// each stored certificate version whose <c>key</c> is PEM gets it replaced by the sealed value, and so does the
/// bundle signing key (M002). Its row keeps its
/// <c>sha256</c>, which names the object version as the API wrote it (key in clear), so history and the next commit's
/// comparison are unchanged. The store is vacuumed afterwards (by <see cref="SqliteDatabase"/>), so the clear keys do
/// not linger in freed pages.
/// </summary>
internal sealed class M004_SealedKeys : IKeyedMigration
{
    public int Number => 4;
    public string Name => "sealed certificate keys";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) =>
        throw new InvalidOperationException("M004 seals keys with the box key; call it with one");

    public void Apply(SqliteConnection connection, SqliteTransaction transaction, KeyBox box)
    {
        connection.Execute("PRAGMA secure_delete = ON", transaction: transaction);
        var rows = connection.Query<(string Sha256, string Name, string Json)>(
            """
            SELECT DISTINCT o.sha256, g.name, o.json FROM objects o JOIN generation_changes g ON g.object = o.sha256
            WHERE g.kind = 'certificates'
            """, transaction: transaction).ToList();
        foreach (var (sha, name, json) in rows)
        {
            if (JsonNode.Parse(json) is not JsonObject node || node["key"] is not JsonValue key || key.GetValue<string>() is not { } pem || KeyBox.IsSealed(pem))
            {
                continue;
            }
            node["key"] = box.Seal(KeyBox.Certificate(name), pem);
            connection.Execute("UPDATE objects SET json = @json WHERE sha256 = @sha", new { json = node.ToJsonString(ConfigJson.Options), sha }, transaction);
        }
        var signing = connection.QuerySingleOrDefault<string>("SELECT private_key FROM signing_key WHERE id = 1", transaction: transaction);
        if (signing is not null && !KeyBox.IsSealed(signing))
        {
            connection.Execute("UPDATE signing_key SET private_key = @sealed WHERE id = 1", new { @sealed = box.Seal(KeyBox.BundleSigningKey, signing) }, transaction);
        }
    }
}
