using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// Pool, member and node choice for this request (or connection at L4), reselect, markDown, activeMembers, the hash
/// key for <c>hashKey: rule</c> pools, and rule-driven persistence. Persistence and hash keys are handed to the
/// connection's <see cref="Selection.ConnectionBalancing"/>, so the selector applies them with the virtual's profiles
/// like any other persistence (one path, one table).
/// </summary>
public sealed partial class RuleSession : IRuleBalancer, IRulePersistence
{
    /// <summary>Rule-made reselects allowed per request (LB_FAILED → pool('sorry') → LB_FAILED → ...).</summary>
    private const int MaxRuleReselects = 4;

    private bool _reselect;
    private int _reselects;
    private MemberState? _selected;
    // The last node this connection chose: a node past the shared cap stays the same object across keep-alive requests.
    private PoolState? _node;

    /// <summary>The member a rule chose (pool + member, or a node) for this request; null: balance.</summary>
    public MemberState? RequestMember { get; private set; }

    /// <summary>The pool a rule chose for this request; null: the virtual's pool.</summary>
    public PoolState? RequestPool { get; private set; }

    /// <summary>Back to the virtual's default pool (each keep-alive request starts from it), no choice, no persistence.</summary>
    internal void BeginPick()
    {
        RequestPool = null;
        RequestMember = null;
        _reselect = false;
        _reselects = 0;
        _selected = null;
        if (_ctx.Plan.Runtime.Pool is { } pool)
        {
            _ctx.Pool = _balancing.Pool(pool.Name);
            _ctx.PoolCounters = _counters.Pool(pool.Name);
        }
        else
        {
            _ctx.Pool = null;
            _ctx.PoolCounters = null;
        }
    }

    /// <summary>The member to use for the next pick: the one the rule named; null to balance (persistence included).</summary>
    internal MemberState? Preselected() => RequestMember;

    /// <summary>Whether a kept server connection to <paramref name="member"/> serves this request (same member chosen, or a member of the request's pool).</summary>
    internal bool Fits(MemberState member) => Preselected() is { } chosen ? ReferenceEquals(chosen, member) : member.Pool == _ctx.Pool?.Name;

    /// <summary>After LB_SELECTED / LB_FAILED: true when a rule asked to pick again (reselect, or a new pool or member), within the per-request bound.</summary>
    internal bool TakeReselect()
    {
        if (!_reselect)
        {
            return false;
        }
        _reselect = false;
        return ++_reselects <= MaxRuleReselects;
    }

    /// <summary>The member picked for this request (LB_SELECTED), or the one serving it.</summary>
    internal void Picked(MemberState member) => _selected = member;

    /// <summary>The request is being served by <paramref name="member"/> (what <c>ctx.lb.selected</c> names).</summary>
    internal void Served(MemberState member) => _selected = member;

    // IRuleBalancer
    public bool PoolExists(string pool) => _balancing.Pool(pool) is not null;

    public void SelectPool(string pool, string? member)
    {
        var state = _balancing.Pool(pool) ?? throw new ArgumentException($"ctx.lb.pool: there is no pool '{pool}'");
        var chosen = member is null ? null : MemberOf(state, member) ?? throw new ArgumentException($"ctx.lb.pool: pool '{pool}' has no member '{member}'");
        Choose(state, chosen);
    }

    // A loop, not a lambda: a lambda capturing `member` would allocate on every ctx.lb.pool call, member or not.
    private static MemberState? MemberOf(PoolState pool, string key)
    {
        var members = pool.Members;
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].Key == key)
            {
                return members[i];
            }
        }
        return null;
    }

    /// <summary>
    /// A member of some pool: that pool and member (the pool with the lowest name, if several have it). Any other
    /// address: a node outside every pool (iRules <c>node</c>), connected to for this request as the one member of the
    /// pool <see cref="RuleNodes.PoolName"/>: no monitor, no persistence, LB_FAILED when it refuses or times out.
    /// </summary>
    public void SelectMember(string address, int port)
    {
        if (!AddressSyntax.TryParseIp(address, out var ip))
        {
            throw new ArgumentException($"ctx.lb.member: '{address}' is not an IPv4 or IPv6 address");
        }
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"ctx.lb.member: port {port} is not from 1 to 65535");
        }
        // The pool with the lowest name wins, so the choice does not depend on the dictionary's order.
        (PoolState Pool, MemberState Member)? found = null;
        foreach (var pool in _balancing.Pools.Values)
        {
            foreach (var m in pool.Members)
            {
                if (m.EndPoint.Port == port && m.EndPoint.Address.Equals(ip) && (found is null || string.CompareOrdinal(pool.Name, found.Value.Pool.Name) < 0))
                {
                    found = (pool, m);
                }
            }
        }
        if (found is { } hit)
        {
            Choose(hit.Pool, hit.Member);
            return;
        }
        var node = _node is { } last && last.Members[0].EndPoint.Port == port && last.Members[0].EndPoint.Address.Equals(ip)
            ? last
            : _node = _balancing.Nodes.Get(new System.Net.IPEndPoint(ip, port));
        Choose(node, node.Members[0]);
    }

    private void Choose(PoolState pool, MemberState? member)
    {
        RequestPool = pool;
        RequestMember = member;
        _ctx.Pool = pool;
        _ctx.PoolCounters = _counters.Pool(pool.Name);
        _reselect = true; // in LB_SELECTED / LB_FAILED a new choice means: pick again with it
    }

    public void Reselect() => _reselect = true;

    /// <summary>Before LB_SELECTED / LB_FAILED: only a choice made in that event asks for another pick.</summary>
    internal void ArmReselect() => _reselect = false;

    public string? Selected => _selected is { } m ? m.Pool + " " + m.Key : null;

    /// <summary>A node outside pools is left alone: no monitor would ever bring it back up.</summary>
    public void MarkDown()
    {
        var member = _selected ?? _ctx.Member ?? throw new InvalidOperationException("ctx.lb.markDown(): no member was picked");
        if (member.Pool == RuleNodes.PoolName)
        {
            return;
        }
        member.SetHealth(new MemberHealth(HealthStatus.Down, "marked down by a rule", DateTimeOffset.UtcNow));
    }

    public void HashKey(string? key) => _ctx.Balancing.SetHashKey(key);

    public int ActiveMembers(string pool)
    {
        if (_balancing.Pool(pool) is not { } state)
        {
            return -1;
        }
        var n = 0;
        foreach (var m in state.Members)
        {
            if (m.IsSelectable)
            {
                n++;
            }
        }
        return n;
    }

    // IRulePersistence

    /// <summary>
    /// Source-address persistence through the selector: with a source-address profile on the virtual (primary or
    /// fallback) that profile's mask, table scope and connection-limit override; without one the rule's default
    /// profile <c>rule:source</c>. A timeout overrides the profile's.
    /// </summary>
    public void Source(int timeoutMs) => _ctx.Balancing.PersistSource(RuleTimeout(timeoutMs));

    /// <summary>
    /// Cookie persistence is the selector's (insert / rewrite / passive by the virtual's persistence profile): with a
    /// cookie profile on the virtual (primary or fallback) this keeps it for the request; without one it fails.
    /// </summary>
    public void Cookie(string? name, int timeoutMs)
    {
        var profile = VirtualProfile(PersistenceMethods.Cookie)
            ?? throw new NotSupportedException("ctx.persist.cookie(): the virtual server has no cookie persistence profile (a rule cannot start cookie persistence on its own)");
        var cookie = _ctx.Pool is { } pool ? Balancing.Persistence.CookiePersistence.CookieName(profile, pool.Name) : profile.CookieName;
        if (name is not null && !string.Equals(name, cookie, StringComparison.Ordinal))
        {
            throw new NotSupportedException($"ctx.persist.cookie('{name}'): the virtual's cookie persistence uses the cookie '{cookie}'");
        }
        _ctx.Balancing.ClearRulePersistence(); // the selector's cookie persistence applies, not a rule record
    }

    /// <summary>
    /// Universal persistence through the selector: with a universal profile on the virtual (primary or fallback) that
    /// profile's table, scope and timeout; without one the rule's default profile <c>rule:universal</c>. A timeout
    /// overrides the profile's.
    /// </summary>
    public void Universal(string key, int timeoutMs) => _ctx.Balancing.PersistUniversal(key, RuleTimeout(timeoutMs));

    /// <summary>The virtual's persistence profile (primary, else fallback) with <paramref name="method"/>, or null.</summary>
    private PersistenceProfile? VirtualProfile(string method)
    {
        var persistence = Selection.VirtualPersistence.For(_ctx.Plan);
        return persistence.Primary?.Method == method ? persistence.Primary : persistence.Fallback?.Method == method ? persistence.Fallback : null;
    }

    /// <summary>iRules <c>persist none</c>: no persistence for this request (L4: connection), the virtual's profiles included.</summary>
    public void None() => _ctx.Balancing.TurnOffPersistence();

    /// <summary>0: the profile's timeout; otherwise at least a second (the table's resolution).</summary>
    private static TimeSpan? RuleTimeout(int timeoutMs) => timeoutMs > 0 ? TimeSpan.FromMilliseconds(Math.Max(1000, timeoutMs)) : null;
}
