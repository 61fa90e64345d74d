using Dapper;
using Fulcrum.Appliance.Config.Store.Migrations;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store;

/// <summary>Applies numbered migrations in order, each in its own transaction, tracked by <c>PRAGMA user_version</c>.</summary>
internal static class Migrator
{
    internal static readonly IMigration[] All = [new M001_Initial(), new M002_BundleSigning(), new M003_ObjectGenerations(), new M004_SealedKeys()];

    public static int Latest => All[^1].Number;

    /// <summary>Brings the schema to <paramref name="target"/> (the latest by default); returns the version before.</summary>
    /// <exception cref="StoreException">A pending migration needs the box key and none was given.</exception>
    public static int Migrate(SqliteConnection connection, int? target = null, KeyBox? box = null)
    {
        var version = connection.ExecuteScalar<int>("PRAGMA user_version");
        if (version > Latest)
        {
            throw new StoreException($"the store's schema version {version} is newer than this fulcrum understands ({Latest}); use a newer fulcrum");
        }
        foreach (var m in All.Where(m => m.Number > version && m.Number <= (target ?? Latest)))
        {
            using var tx = connection.BeginTransaction();
            if (m is IKeyedMigration keyed)
            {
                keyed.Apply(connection, tx, box ?? throw new StoreException($"migration {m.Number} ({m.Name}) needs the store's box key"));
            }
            else
            {
                m.Apply(connection, tx);
            }
            connection.Execute($"PRAGMA user_version = {m.Number}", transaction: tx);
            tx.Commit();
        }
        return version;
    }
}
