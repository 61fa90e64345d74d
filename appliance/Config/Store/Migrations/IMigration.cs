using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store.Migrations;

/// <summary>One numbered schema step. A migration never changes once merged; a fix is a new migration.</summary>
internal interface IMigration
{
    int Number { get; }
    string Name { get; }
    void Apply(SqliteConnection connection, SqliteTransaction transaction);
}
