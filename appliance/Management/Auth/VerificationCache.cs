using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Remembers recent successful password checks, because Basic auth verifies on every request and one PBKDF2 check
/// costs about 0.3 s. Entries are keyed by an HMAC under a per-process random key, so the cache never holds a
/// password or anything that can be brute-forced offline, and each entry is bound to the hash it was checked against,
/// so a changed password misses even before <see cref="Forget"/> runs.
/// </summary>
internal sealed class VerificationCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public const int MaxEntries = 1024;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public VerificationCache(TimeProvider time)
    {
        _time = time;
    }

    public int Count => _entries.Count;

    public bool IsVerified(string user, string password, string passwordHash)
    {
        var key = KeyFor(user, password);
        if (!_entries.TryGetValue(key, out var entry))
        {
            return false;
        }
        if (entry.PasswordHash != passwordHash || entry.Expires <= _time.GetUtcNow())
        {
            _entries.TryRemove(key, out _);
            return false;
        }
        return true;
    }

    public void Remember(string user, string password, string passwordHash)
    {
        if (_entries.Count >= MaxEntries)
        {
            var now = _time.GetUtcNow();
            foreach (var (k, e) in _entries)
            {
                if (e.Expires <= now)
                {
                    _entries.TryRemove(k, out _);
                }
            }
            // Still full of live entries: dropping them all only costs a few re-verifications.
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }
        _entries[KeyFor(user, password)] = new Entry(user, passwordHash, _time.GetUtcNow() + Lifetime);
    }

    public void Forget(string user)
    {
        foreach (var (k, e) in _entries)
        {
            if (e.User == user)
            {
                _entries.TryRemove(k, out _);
            }
        }
    }

    private string KeyFor(string user, string password) =>
        Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(user + "\0" + password)));

    private sealed record Entry(string User, string PasswordHash, DateTimeOffset Expires);
}
