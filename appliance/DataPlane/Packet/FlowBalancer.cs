using System.Runtime.CompilerServices;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Selection;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Packet.Balancing;

namespace Fulcrum.Appliance.DataPlane.Packet;

/// <summary>
/// Packet mode's <see cref="IFlowBalancer"/> on the shared balancing code: the virtual's pool and persistence from
/// the current runtime snapshot, <see cref="BalancingSelector"/> for the pick (the same methods, persistence table
/// and member state as the full proxy), and member-down events from the monitors.
/// </summary>
public sealed class FlowBalancer : IFlowBalancer
{
    private readonly RuntimeModel _runtime;
    private readonly BalancingState _balancing;
    private readonly BalancingSelector _selector;
    private readonly ConditionalWeakTable<MemberState, object> _watched = [];

    public FlowBalancer(RuntimeModel runtime, BalancingState balancing, BalancingSelector selector)
    {
        _runtime = runtime;
        _balancing = balancing;
        _selector = selector;
        Watch(balancing.Pools);
        balancing.Changed += Watch;
    }

    public event Action<IFlowMember>? MemberDown;

    public IFlowMember? Pick(in FlowRequest request)
    {
        if (!_runtime.Current.Virtuals.TryGetValue(request.Virtual, out var v) || v.Pool is null || _balancing.Pool(v.Pool.Name) is not { } pool)
        {
            return null;
        }
        return _selector.Pick(pool, new BalancingRequest(request.Virtual, request.ClientAddress, request.ClientPort, request.HashKey), v.Persistence);
    }

    private void Watch(System.Collections.Frozen.FrozenDictionary<string, PoolState> pools)
    {
        foreach (var pool in pools.Values)
        {
            foreach (var member in pool.Members)
            {
                // Member states outlive generations: subscribe once per state.
                if (_watched.TryAdd(member, this))
                {
                    member.WentDown += m => MemberDown?.Invoke(m);
                }
            }
        }
    }
}
