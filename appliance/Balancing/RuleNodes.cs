using System.Collections.Concurrent;
using System.Net;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// Nodes a rule sends traffic to that belong to no pool (<c>ctx.lb.member(address, port)</c>, iRules <c>node</c>).
/// Each is a one-member pool named <see cref="PoolName"/> (not a valid config name, so it never clashes), so the
/// connector, OneConnect and the counters handle it like any member. Nodes are shared by endpoint up to
/// <see cref="MaxShared"/>, so OneConnect reuses a node's connections only for that node and the idle table cannot grow
/// per arbitrary address; past the cap a node is private to its caller and its connections are not pooled.
/// They have no monitor and never appear in /api/v1/status (configured pools only).
/// </summary>
public sealed class RuleNodes
{
    /// <summary>The pool name of every rule node: in <c>ctx.lb.selected</c>, the access log and /metrics.</summary>
    public const string PoolName = "-";

    /// <summary>Distinct nodes kept (with their counters and OneConnect idle queues) for the life of the process.</summary>
    public const int MaxShared = 1024;

    private readonly ConcurrentDictionary<IPEndPoint, PoolState> _shared = new();
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;

    public RuleNodes(TimeProvider time, IRandomSource random)
    {
        _time = time;
        _random = random;
    }

    public int Count => _shared.Count;

    /// <summary>Whether <paramref name="pool"/> is a rule node (no persistence, no service-down action).</summary>
    public static bool IsNode(PoolState pool) => string.Equals(pool.Name, PoolName, StringComparison.Ordinal);

    /// <summary>The one-member pool for <paramref name="endpoint"/>: the shared one, or a private one past the cap.</summary>
    public PoolState Get(IPEndPoint endpoint)
    {
        if (_shared.TryGetValue(endpoint, out var node))
        {
            return node;
        }
        if (_shared.Count >= MaxShared)
        {
            return Build(endpoint, shared: false);
        }
        return _shared.GetOrAdd(endpoint, static (ep, self) => self.Build(ep, shared: true), this);
    }

    private PoolState Build(IPEndPoint endpoint, bool shared)
    {
        var config = new PoolMember { Address = endpoint.Address.ToString(), Port = endpoint.Port };
        var runtime = new RuntimeMember(config, endpoint);
        var member = new MemberState(PoolName, runtime, _time) { Poolable = shared };
        var pool = new Pool { Name = PoolName, Members = [config] };
        var method = LoadBalancingMethodFactory.Create(LoadBalancingModes.RoundRobin, _random, _time);
        MemberState[] members = [member];
        method.Attach(members);
        return new PoolState(new RuntimePool(pool, [runtime]), members, method, _random);
    }
}
