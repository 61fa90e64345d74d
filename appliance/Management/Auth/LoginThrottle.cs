namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failures within <see cref="Window"/> for one client
/// address or one user name, that key is refused for <see cref="FirstBlock"/>, doubling with each further block up to
/// <see cref="MaxBlock"/>. Both keys count, so spreading guesses over many addresses still locks the user name, and
/// many user names from one address still lock the address. A success clears only the user name: clearing the
/// address would let one valid account reset an attacker's count.
/// <para>State is in memory and bounded: past <c>maxKeys</c> the key that failed least recently is forgotten.</para>
/// </summary>
public sealed class LoginThrottle
{
    public const int MaxFailures = 5;
    public const int DefaultMaxKeys = 10_000;
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
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 2);
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

    /// <summary>How long the address or user is still refused, or null when an attempt may go ahead.</summary>
    public TimeSpan? RetryAfter(string address, string? user)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var wait = Remaining(AddressKey(address), now);
            if (user is not null && Remaining(UserKey(user), now) is { } userWait && (wait is null || userWait > wait))
            {
                wait = userWait;
            }
            return wait;
        }
    }

    /// <summary>Counts a failed attempt; returns the block it started, if it started one.</summary>
    public TimeSpan? Failure(string address, string? user)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var block = Count(AddressKey(address), now);
            if (user is not null && Count(UserKey(user), now) is { } userBlock && (block is null || userBlock > block))
            {
                block = userBlock;
            }
            return block;
        }
    }

    public void Success(string user)
    {
        lock (_lock)
        {
            if (_entries.Remove(UserKey(user), out var node))
            {
                _order.Remove(node);
            }
        }
    }

    private TimeSpan? Remaining(string key, DateTimeOffset now) =>
        _entries.TryGetValue(key, out var node) && node.Value.BlockedUntil > now ? node.Value.BlockedUntil - now : null;

    private TimeSpan? Count(string key, DateTimeOffset now)
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
        if (e.Failures < MaxFailures)
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

    private static string UserKey(string user) => "u:" + user;

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
