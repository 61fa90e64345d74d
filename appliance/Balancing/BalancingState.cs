using System.Collections.Frozen;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// Pool and member live state, reconciled with each published runtime snapshot: member states are kept across
/// generations by pool name and member key, so counters and health survive config changes.
/// </summary>
public sealed class BalancingState
{
    private readonly object _reconcile = new();
    private FrozenDictionary<string, PoolState> _pools = FrozenDictionary<string, PoolState>.Empty;

    public BalancingState(RuntimeModel runtime)
    {
        Reconcile(runtime.Current);
        runtime.Published += Reconcile;
    }

    public FrozenDictionary<string, PoolState> Pools => Volatile.Read(ref _pools);

    public PoolState? Pool(string name) => Pools.GetValueOrDefault(name);

    /// <summary>Raised after a reconcile with the new pool states (health monitors follow it).</summary>
    public event Action<FrozenDictionary<string, PoolState>>? Changed;

    private void Reconcile(RuntimeSnapshot snapshot)
    {
        FrozenDictionary<string, PoolState> next;
        lock (_reconcile)
        {
            var previous = Pools;
            next = snapshot.Pools.Values.ToFrozenDictionary(p => p.Name, p => Build(p, previous.GetValueOrDefault(p.Name)), StringComparer.Ordinal);
            Volatile.Write(ref _pools, next);
        }
        Changed?.Invoke(next);
    }

    private static PoolState Build(RuntimePool pool, PoolState? previous)
    {
        var members = new MemberState[pool.Members.Count];
        for (var i = 0; i < members.Length; i++)
        {
            var config = pool.Members[i];
            var existing = previous?.Members.FirstOrDefault(m => m.Key == config.Key);
            if (existing is not null)
            {
                existing.Update(config);
                members[i] = existing;
            }
            else
            {
                members[i] = new MemberState(pool.Name, config);
            }
        }
        return new PoolState(pool, members, LoadBalancingMethodFactory.Create(pool.Config.LoadBalancingMode));
    }
}
