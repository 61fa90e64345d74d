using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store.Migrations;

/// <summary>A migration that needs the store's box key (it seals or opens certificate keys).</summary>
internal interface IKeyedMigration : IMigration
{
    void Apply(SqliteConnection connection, SqliteTransaction transaction, KeyBox box);
}
