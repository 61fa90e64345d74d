using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

public sealed record Pool : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string LoadBalancingMode { get; init; } = LoadBalancingModes.RoundRobin;
    /// <summary>Monitor names; each member must pass them as <see cref="MonitorMinUp"/> says.</summary>
    public ImmutableArray<string> Monitors { get; init; } = [];
    /// <summary>0 means every monitor must pass (<c>all</c>); N means at least N of them.</summary>
    public int MonitorMinUp { get; init; }
    /// <summary>Priority-group activation: use the highest priority group that has at least this many members up; 0 turns it off.</summary>
    public int MinActiveMembers { get; init; }
    /// <summary>Seconds over which a member that comes up grows to its full share; 0 turns it off.</summary>
    public int SlowRampTime { get; init; }
    /// <summary><c>none | reset | reselect</c>: what happens to connections whose member goes down.</summary>
    public string ServiceDownAction { get; init; } = ServiceDownActions.None;
    public int ReselectTries { get; init; }
    /// <summary>
    /// HAProxy's <c>option redispatch</c>: when the connect to a member chosen by a persistence record fails (refused,
    /// timed out) the client goes to another member and the record is learnt again, even with no reselect tries left.
    /// False keeps persistence strict: retries (reselectTries) go to the persisted member again.
    /// </summary>
    public bool Redispatch { get; init; } = true;
    /// <summary>For consistent-hash and source-hash: <c>source-address</c>, <c>header:NAME</c>, <c>cookie:NAME</c>, <c>uri</c> or <c>rule</c>.</summary>
    public string? HashKey { get; init; }
    public ImmutableArray<PoolMember> Members { get; init; } = [];
}
