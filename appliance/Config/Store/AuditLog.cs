using Dapper;

namespace Fulcrum.Appliance.Config.Store;

public sealed class AuditLog
{
    private readonly SqliteDatabase _db;

    public AuditLog(SqliteDatabase db)
    {
        _db = db;
    }

    public void Append(DateTimeOffset time, string user, string address, string method, string path, int status, long? generation, string summary)
    {
        using var c = _db.Connect();
        c.Execute(
            "INSERT INTO audit (time, user, address, method, path, status, generation, summary) VALUES (@time, @user, @address, @method, @path, @status, @generation, @summary)",
            new { time = Timestamps.Format(time), user, address, method, path, status, generation, summary });
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<AuditEntry> List(int limit = 200, long? before = null)
    {
        using var c = _db.Connect();
        return c.Query<(long Id, string Time, string User, string Address, string Method, string Path, long Status, long? Generation, string Summary)>(
                "SELECT id, time, user, address, method, path, status, generation, summary FROM audit WHERE (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit",
                new { limit, before })
            .Select(r => new AuditEntry(r.Id, Timestamps.Parse(r.Time), r.User, r.Address, r.Method, r.Path, (int)r.Status, r.Generation, r.Summary))
            .ToList();
    }
}
