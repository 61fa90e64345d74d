using Dapper;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store;

/// <summary>
/// The appliance's one SQLite file (<c>fulcrum.db</c> in the data dir): opened in WAL mode with full sync, so a
/// committed generation survives a killed process or a power cut, and migrated to the latest schema on open.
/// </summary>
public sealed class SqliteDatabase
{
    public const string FileName = "fulcrum.db";

    private readonly string _connectionString;

    private SqliteDatabase(string path, KeyBox box)
    {
        Path = path;
        Box = box;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Seals certificate keys before they are written (<c>fulcrum.db.boxkey</c> beside the file).</summary>
    public KeyBox Box { get; }

    /// <summary>Opens (creating if needed) the store in <paramref name="dataDir"/> and applies pending migrations.</summary>
    public static SqliteDatabase Open(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = System.IO.Path.Combine(dataDir, FileName);
        var db = new SqliteDatabase(path, KeyBox.OpenOrCreate(path + KeyBox.FileSuffix));
        try
        {
            using var connection = db.Connect();
            connection.Execute("PRAGMA journal_mode = WAL");
            var before = Migrator.Migrate(connection, box: db.Box);
            if (before is > 0 and < 4)
            {
                // Keys were in clear before M004: rewrite the file so no freed page still holds one.
                connection.Execute("VACUUM");
                connection.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            var check = connection.ExecuteScalar<string>("PRAGMA quick_check");
            if (check != "ok")
            {
                throw new StoreException($"{db.Path} failed its integrity check: {check}");
            }
        }
        catch (SqliteException ex)
        {
            throw new StoreException($"cannot open the store {db.Path}: {ex.Message}", ex);
        }
        return db;
    }

    /// <summary>A new (pooled) connection with the per-connection settings applied.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
        return connection;
    }
}
