namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// What <see cref="PoolState.Pick"/> hands a method: the members that may take this connection (selectable, in the
/// active priority groups, not excluded, not skipped by slow ramp), their pool positions and effective weights,
/// and the whole pool with a mask of which positions are candidates (for hash methods that walk a table built over
/// every member). The spans are the calling thread's scratch: valid only during the call, never stored.
/// </summary>
public readonly ref struct PickCandidates
{
    public PickCandidates(ReadOnlySpan<MemberState> members, ReadOnlySpan<int> indices, ReadOnlySpan<int> weights, ReadOnlySpan<MemberState> pool, ReadOnlySpan<bool> mask)
    {
        Members = members;
        Indices = indices;
        Weights = weights;
        Pool = pool;
        Mask = mask;
    }

    /// <summary>The candidates, in pool order. Never empty when a method is called.</summary>
    public ReadOnlySpan<MemberState> Members { get; }

    /// <summary>Each candidate's position in <see cref="Pool"/>.</summary>
    public ReadOnlySpan<int> Indices { get; }

    /// <summary>
    /// Each candidate's effective weight: ratio × <see cref="PoolState.WeightScale"/>, scaled down while it slow-ramps.
    /// Always at least 1.
    /// </summary>
    public ReadOnlySpan<int> Weights { get; }

    /// <summary>Every member of the pool (this generation's order).</summary>
    public ReadOnlySpan<MemberState> Pool { get; }

    /// <summary>By pool position: true when that member is a candidate.</summary>
    public ReadOnlySpan<bool> Mask { get; }

    public int Count => Members.Length;

    /// <summary>Builds candidates from plain members, all weight 1 (tests, benchmarks, rules' what-if calls).</summary>
    public static PickCandidates Of(MemberState[] members, int[]? weights = null)
    {
        var indices = new int[members.Length];
        var mask = new bool[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            indices[i] = i;
            mask[i] = true;
        }
        return new PickCandidates(members, indices, weights ?? Enumerable.Repeat(1, members.Length).ToArray(), members, mask);
    }
}
