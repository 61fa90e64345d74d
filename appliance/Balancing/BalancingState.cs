using System.Collections.Frozen;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// Pool and member live state, reconciled with each published runtime snapshot: member states are kept across
/// generations by pool name and member key, so counters and health survive config changes. A pool whose method and
/// members (keys, ratios) did not change keeps its method instance too, so a round-robin position, a ratio schedule
/// or a Maglev table is not reset by an unrelated change.
/// </summary>
public sealed class BalancingState
{
    private readonly object _reconcile = new();
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private FrozenDictionary<string, PoolState> _pools = FrozenDictionary<string, PoolState>.Empty;

    public BalancingState(RuntimeModel runtime)
        : this(runtime, TimeProvider.System, SharedRandomSource.Instance)
    {
    }

    public BalancingState(RuntimeModel runtime, TimeProvider time, IRandomSource random)
    {
        _time = time;
        _random = random;
        Nodes = new RuleNodes(time, random);
        Reconcile(runtime.Current);
        runtime.Published += Reconcile;
    }

    public FrozenDictionary<string, PoolState> Pools => Volatile.Read(ref _pools);

    public PoolState? Pool(string name) => Pools.GetValueOrDefault(name);

    public TimeProvider Time => _time;

    /// <summary>Nodes rules connect to outside every pool (<c>ctx.lb.member</c>).</summary>
    public RuleNodes Nodes { get; }

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

    private PoolState Build(RuntimePool pool, PoolState? previous)
    {
        var members = new MemberState[pool.Members.Count];
        for (var i = 0; i < members.Length; i++)
        {
            var config = pool.Members[i];
            var existing = previous?.Member(config.Key);
            if (existing is not null)
            {
                existing.Update(config);
                members[i] = existing;
            }
            else
            {
                members[i] = new MemberState(pool.Name, config, _time);
            }
        }
        ILoadBalancingMethod method;
        if (previous is not null && SameShape(previous, pool, members))
        {
            method = previous.Method;
        }
        else
        {
            method = LoadBalancingMethodFactory.Create(pool.Config.LoadBalancingMode, _random, _time);
            method.Attach(members);
        }
        return new PoolState(pool, members, method, _random);
    }

    private static bool SameShape(PoolState previous, RuntimePool pool, MemberState[] members)
    {
        if (previous.MethodName != pool.Config.LoadBalancingMode || previous.Members.Count != members.Length)
        {
            return false;
        }
        for (var i = 0; i < members.Length; i++)
        {
            if (!ReferenceEquals(previous.Members[i], members[i]) || previous.Config.Members[i].Config.Ratio != pool.Members[i].Config.Ratio)
            {
                return false;
            }
        }
        return true;
    }
}
