namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// Google's Maglev lookup table (Eisenbud et al., NSDI 2016): every member walks its own permutation of the M slots
/// (offset and skip from two hashes of its key) and, in turns weighted by ratio, claims its next free slot until
/// every slot is owned. A key's slot is hash mod M. Each member owns M·share slots to within one, so the spread is as
/// even as the keys allow, and a member joining or leaving moves little more than its own share of keys.
/// </summary>
internal sealed class MaglevTable
{
    private readonly int[] _slots;

    private MaglevTable(int[] slots) => _slots = slots;

    public int Size => _slots.Length;

    /// <summary>The owner (index into the build's keys) of a key's slot.</summary>
    public int Lookup(ulong hash) => _slots[(int)(hash % (ulong)_slots.Length)];

    /// <summary>The slot a hash lands in; walk forward from it with <see cref="OwnerAt"/> to skip unavailable owners.</summary>
    public int SlotOf(ulong hash) => (int)(hash % (ulong)_slots.Length);

    public int OwnerAt(int slot) => _slots[slot];

    /// <summary>A prime at least 100 × members (and at least 65,537), so each member owns 100 slots or more.</summary>
    public static int SizeFor(int members)
    {
        var n = Math.Max(65537, members * 100);
        while (!IsPrime(n))
        {
            n++;
        }
        return n;
    }

    public static MaglevTable Build(IReadOnlyList<string> keys, IReadOnlyList<int> weights, int? size = null)
    {
        var m = size ?? SizeFor(keys.Count);
        var slots = new int[m];
        Array.Fill(slots, -1);
        if (keys.Count == 0)
        {
            return new MaglevTable(slots);
        }
        var offset = new long[keys.Count];
        var skip = new long[keys.Count];
        var next = new long[keys.Count];
        var g = 0;
        foreach (var w in weights)
        {
            g = Gcd(g, Math.Max(1, w));
        }
        var turns = new int[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            offset[i] = (long)(StableHash.Of(keys[i], 0x6d61676c) % (ulong)m);
            skip[i] = (long)(StableHash.Of(keys[i], 0x65766f6e) % (ulong)(m - 1)) + 1;
            turns[i] = Math.Max(1, weights[i]) / g;
        }
        var filled = 0;
        while (true)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                for (var t = 0; t < turns[i]; t++)
                {
                    var slot = (offset[i] + next[i] * skip[i]) % m;
                    while (slots[slot] >= 0)
                    {
                        next[i]++;
                        slot = (offset[i] + next[i] * skip[i]) % m;
                    }
                    slots[slot] = i;
                    next[i]++;
                    if (++filled == m)
                    {
                        return new MaglevTable(slots);
                    }
                }
            }
        }
    }

    private static bool IsPrime(int n)
    {
        for (var d = 2; (long)d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return n > 1;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
