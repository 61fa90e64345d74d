using Fulcrum.Appliance.Config.Store;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Tests.Management.Auth;

/// <summary>A real store file in a fresh temp dir, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Dir = Path.Combine(Path.GetTempPath(), "fulcrum-auth-" + Guid.NewGuid().ToString("N"));
        Db = SqliteDatabase.Open(Dir);
    }

    public string Dir { get; }

    public SqliteDatabase Db { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless; failing the test for it is not.
        }
    }
}
