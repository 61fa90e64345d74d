using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Bearer tokens and console cookie sessions in the <c>sessions</c> table. A token is 32 random bytes; only its
/// SHA-256 is stored, so a copy of the database does not let anyone in. The CSRF token is stored as is: alone it
/// grants nothing, and the console must be able to read it back after a reload.
/// </summary>
public sealed class SessionStore
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    private const int TokenBytes = 32;
    private static readonly int TokenLength = Base64Url.GetEncodedLength(TokenBytes);

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    public SessionStore(SqliteDatabase db, TimeProvider? time = null)
    {
        _db = db;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Starts a session of <paramref name="kind"/> (<see cref="AuthMethods.Bearer"/> or <see cref="AuthMethods.Cookie"/>).</summary>
    public IssuedSession Create(string user, string kind, TimeSpan? lifetime = null)
    {
        if (kind is not (AuthMethods.Bearer or AuthMethods.Cookie))
        {
            throw new ArgumentException($"unknown session kind {kind}", nameof(kind));
        }
        var life = lifetime ?? DefaultLifetime;
        if (life <= TimeSpan.Zero || life > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, $"a session lasts at most {MaxLifetime}");
        }
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var csrf = kind == AuthMethods.Cookie ? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes)) : null;
        var now = _time.GetUtcNow();
        var expires = now + life;
        var idHash = HashToken(token);
        using var c = _db.Connect();
        // Purging here keeps the table small without a timer; the DELETE is cheap at management-API rates.
        c.Execute("DELETE FROM sessions WHERE expires <= @now", new { now = Timestamps.Format(now) });
        c.Execute(
            "INSERT INTO sessions (id_hash, user, kind, csrf, created, expires) VALUES (@idHash, @user, @kind, @csrf, @created, @expires)",
            new { idHash, user, kind, csrf, created = Timestamps.Format(now), expires = Timestamps.Format(expires) });
        return new IssuedSession(token, idHash, user, kind, csrf, expires);
    }

    /// <summary>The live session of that kind the token opens, or null (unknown, expired, revoked, user gone).</summary>
    public Session? Validate(string token, string kind)
    {
        if (!LooksLikeToken(token))
        {
            return null;
        }
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<(string IdHash, string User, string Role, string Kind, string? Csrf, string Created, string Expires)>(
            """
            SELECT s.id_hash, s.user, u.role, s.kind, s.csrf, s.created, s.expires
            FROM sessions s JOIN users u ON u.name = s.user
            WHERE s.id_hash = @idHash AND s.kind = @kind AND s.expires > @now
            """,
            new { idHash = HashToken(token), kind, now = Timestamps.Format(_time.GetUtcNow()) });
        return row.IdHash is null
            ? null
            : new Session(row.IdHash, row.User, row.Role, row.Kind, row.Csrf, Timestamps.Parse(row.Created), Timestamps.Parse(row.Expires));
    }

    /// <summary>Ends one session by the hash in the <see cref="AuthClaims.Session"/> claim.</summary>
    public bool Revoke(string idHash)
    {
        using var c = _db.Connect();
        return c.Execute("DELETE FROM sessions WHERE id_hash = @idHash", new { idHash }) > 0;
    }

    public bool RevokeToken(string token) => LooksLikeToken(token) && Revoke(HashToken(token));

    /// <summary>Ends every session of the user; returns how many there were.</summary>
    public int RevokeAll(string user)
    {
        using var c = _db.Connect();
        return c.Execute("DELETE FROM sessions WHERE user = @user", new { user });
    }

    public int PurgeExpired()
    {
        using var c = _db.Connect();
        return c.Execute("DELETE FROM sessions WHERE expires <= @now", new { now = Timestamps.Format(_time.GetUtcNow()) });
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static bool LooksLikeToken(string token) => token.Length == TokenLength && Base64Url.IsValid(token);
}
