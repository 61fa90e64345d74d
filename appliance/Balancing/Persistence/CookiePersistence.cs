using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>
/// Cookie persistence values. LTM writes the member's address and port into the cookie, readable by anyone; ours is
/// <c>HMAC-SHA256(secret, pool + "\n" + member key)</c> truncated to 120 bits, base64url (20 characters). It names
/// the member without showing its address, cannot be forged for a member without the secret, and is the same for
/// every client of a member (like LTM's, so caches and logs see few distinct values). Decoding looks the value up
/// among the pool's current members' values (computed once per pool generation); a tampered, stale or foreign
/// value matches none and the client is load balanced afresh.
/// </summary>
public sealed class CookiePersistence
{
    /// <summary>Characters in an encoded value.</summary>
    public const int ValueLength = 20;

    private readonly byte[] _secret;
    private readonly ConditionalWeakTable<PoolState, FrozenDictionary<string, MemberState>> _byPool = [];

    public CookiePersistence(byte[] secret)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(secret.Length, 16);
        _secret = secret;
    }

    /// <summary>The cookie name: the profile's <c>cookieName</c>, else <c>fulcrum_&lt;pool&gt;</c> (LTM: <c>BIGipServer&lt;pool&gt;</c>).</summary>
    public static string CookieName(PersistenceProfile profile, string pool) => profile.CookieName ?? "fulcrum_" + pool;

    public string Encode(string pool, string memberKey)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(pool + "\n" + memberKey), mac);
        return Base64Url(mac[..15]);
    }

    public string Encode(MemberState member) => Encode(member.Pool, member.Key);

    /// <summary>The pool member the value names, or null (tampered, foreign, or the member left the pool).</summary>
    public MemberState? Decode(PoolState pool, string? value)
    {
        if (value is null || value.Length != ValueLength)
        {
            return null;
        }
        var map = _byPool.GetValue(pool, p => p.Members.ToFrozenDictionary(m => Encode(p.Name, m.Key), StringComparer.Ordinal));
        return map.GetValueOrDefault(value);
    }

    /// <summary>
    /// A <c>Set-Cookie</c> value for cookie insert: <c>Path=/</c>, <c>Max-Age</c> and <c>Expires</c> when the profile's
    /// <c>cookieExpiration</c> is above 0 (a session cookie otherwise), <c>HttpOnly</c>, <c>Secure</c> and
    /// <c>SameSite</c> as the profile says; <c>Secure</c> also whenever the client connection is TLS (<paramref name="clientTls"/>).
    /// </summary>
    public string SetCookie(PersistenceProfile profile, MemberState member, DateTimeOffset now, bool clientTls = false)
    {
        var sb = new StringBuilder(96);
        sb.Append(CookieName(profile, member.Pool)).Append('=').Append(Encode(member)).Append("; Path=/");
        if (profile.CookieExpiration > 0)
        {
            sb.Append("; Max-Age=").Append(profile.CookieExpiration.ToString(CultureInfo.InvariantCulture));
            sb.Append("; Expires=").Append(now.AddSeconds(profile.CookieExpiration).ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));
        }
        if (profile.CookieHttpOnly)
        {
            sb.Append("; HttpOnly");
        }
        if (profile.CookieSecure || clientTls)
        {
            sb.Append("; Secure");
        }
        switch (profile.CookieSameSite?.ToLowerInvariant())
        {
            case "none": sb.Append("; SameSite=None"); break;
            case "lax": sb.Append("; SameSite=Lax"); break;
            case "strict": sb.Append("; SameSite=Strict"); break;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Cookie rewrite: the server's <c>Set-Cookie</c> (for the profile's cookie) with its value replaced by the
    /// member's encoded value, attributes kept. Null when the header is for another cookie.
    /// </summary>
    public string? Rewrite(string setCookie, PersistenceProfile profile, MemberState member)
    {
        var eq = setCookie.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !setCookie.AsSpan(0, eq).Trim().SequenceEqual(CookieName(profile, member.Pool)))
        {
            return null;
        }
        var end = setCookie.IndexOf(';', eq);
        return string.Concat(setCookie.AsSpan(0, eq + 1), Encode(member), end < 0 ? "" : setCookie.AsSpan(end));
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
