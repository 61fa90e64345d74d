namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Slows password guessing without letting anyone lock an account out:
/// <list type="bullet">
/// <item>one (address, user) pair is refused after <see cref="MaxFailures"/> failures within <see cref="Window"/>;</item>
/// <item>one address is refused, for every user, after <see cref="AddressMaxFailures"/> failures (many names tried from it);</item>
/// <item>a user name that fails <see cref="UserSlowAfter"/> times across addresses is slowed: until its block ends,
/// a single failure refuses the (address, user) pair that made it for that long. An address that has not failed
/// is never refused, so a correct password from the owner's own address still works during an attack.</item>
/// </list>
/// Blocks start at <see cref="FirstBlock"/> and double with each further block of the same key up to
/// <see cref="MaxBlock"/>. A success clears only its own (address, user) pair: clearing the address or the name would
/// let one valid login reset an attacker's count.
/// <para>State is in memory and bounded: past <c>maxKeys</c> the key that failed least recently is forgotten.</para>
/// </summary>
public sealed class LoginThrottle
{
    /// <summary>Failures of one (address, user) pair within <see cref="Window"/> that block the pair.</summary>
    public const int MaxFailures = 5;
    /// <summary>Failures from one address, whatever the user names, that block the address.</summary>
    public const int AddressMaxFailures = 20;
    /// <summary>Failures of one user name, from any addresses, that slow that name down.</summary>
    public const int UserSlowAfter = 10;
    public const int DefaultMaxKeys = 10_000;
    /// <summary>User names longer than this are cut in keys; no real name is this long, and keys stay small.</summary>
    private const int MaxKeyUser = 256;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FirstBlock = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxBlock = TimeSpan.FromMinutes(15);

    private readonly TimeProvider _time;
    private readonly int _maxKeys;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    // Most recently failed first; the last node is the one evicted.
    private readonly LinkedList<Entry> _order = new();

    public LoginThrottle(TimeProvider? time = null, int maxKeys = DefaultMaxKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 3);
        _time = time ?? TimeProvider.System;
        _maxKeys = maxKeys;
    }

    public int TrackedKeys
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>How long this address (or this address for this user) is still refused, or null when an attempt may go ahead.</summary>
    public TimeSpan? RetryAfter(string address, string? user)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var wait = Remaining(AddressKey(address), now);
            return user is null ? wait : Longest(wait, Remaining(PairKey(address, user), now));
        }
    }

    /// <summary>Counts a failed attempt; returns the block it started, if it started one.</summary>
    public TimeSpan? Failure(string address, string? user)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var block = Count(AddressKey(address), now, AddressMaxFailures);
            if (user is null)
            {
                return block;
            }
            var pair = PairKey(address, user);
            var pairBlock = Count(pair, now, MaxFailures);
            Count(UserKey(user), now, UserSlowAfter);
            if (Remaining(UserKey(user), now) is { } slow && (pairBlock is null || slow > pairBlock))
            {
                // The name is being guessed from several addresses: each address that fails it waits as long as the name's block.
                pairBlock = BlockFor(pair, now, slow);
            }
            return Longest(block, pairBlock);
        }
    }

    /// <summary>A correct password: forgets this pair's failures (not the address's, not the name's).</summary>
    public void Success(string address, string user)
    {
        lock (_lock)
        {
            if (_entries.Remove(PairKey(address, user), out var node))
            {
                _order.Remove(node);
            }
        }
    }

    private static TimeSpan? Longest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    private TimeSpan BlockFor(string key, DateTimeOffset now, TimeSpan block)
    {
        var e = _entries[key].Value;
        if (e.BlockedUntil < now + block)
        {
            e.BlockedUntil = now + block;
        }
        e.Failures = 0;
        e.WindowStart = now;
        return e.BlockedUntil - now;
    }

    private TimeSpan? Remaining(string key, DateTimeOffset now) =>
        _entries.TryGetValue(key, out var node) && node.Value.BlockedUntil > now ? node.Value.BlockedUntil - now : null;

    private TimeSpan? Count(string key, DateTimeOffset now, int maxFailures)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _order.Remove(node);
        }
        else
        {
            if (_entries.Count >= _maxKeys)
            {
                var oldest = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
            node = new LinkedListNode<Entry>(new Entry(key, now));
            _entries[key] = node;
        }
        _order.AddFirst(node);

        var e = node.Value;
        // A key quiet for longer than the longest block plus a window starts over at the shortest block.
        if (now - e.LastFailure > MaxBlock + Window)
        {
            e.Blocks = 0;
        }
        if (now - e.WindowStart > Window)
        {
            e.Failures = 0;
            e.WindowStart = now;
        }
        e.LastFailure = now;
        e.Failures++;
        if (e.Failures < maxFailures)
        {
            return null;
        }
        var block = TimeSpan.FromTicks(Math.Min(MaxBlock.Ticks, FirstBlock.Ticks << Math.Min(e.Blocks, 20)));
        e.Blocks++;
        e.Failures = 0;
        e.WindowStart = now;
        e.BlockedUntil = now + block;
        return block;
    }

    private static string AddressKey(string address) => "a:" + address;

    private static string UserKey(string user) => "u:" + Cut(user);

    // NUL cannot occur in an address, so the pair key is unambiguous.
    private static string PairKey(string address, string user) => "p:" + address + "\0" + Cut(user);

    private static string Cut(string user) => user.Length > MaxKeyUser ? user[..MaxKeyUser] : user;

    private sealed class Entry(string key, DateTimeOffset now)
    {
        public string Key { get; } = key;
        public int Failures { get; set; }
        public DateTimeOffset WindowStart { get; set; } = now;
        public DateTimeOffset LastFailure { get; set; } = now;
        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;
        public int Blocks { get; set; }
    }
}
