namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// One load-balancing method. An instance belongs to one <see cref="PoolState"/> (it may keep per-pool state such as a
/// round-robin position or a hash ring) and is called concurrently: picks take no locks.
/// </summary>
public interface ILoadBalancingMethod
{
    string Name { get; }

    /// <summary>Chooses among <paramref name="candidates"/> (already filtered to selectable members); null when none fits.</summary>
    MemberState? Pick(ReadOnlySpan<MemberState> candidates, in PickContext context);
}
