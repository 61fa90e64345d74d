using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// Pool and member choice for this request (or connection at L4), reselect, markDown, activeMembers, and rule-driven
/// persistence (source and universal records in the shared persistence table, under the rule's own profile names).
/// </summary>
public sealed partial class RuleSession : IRuleBalancer, IRulePersistence
{
    /// <summary>Rule-made reselects allowed per request (LB_FAILED → pool('sorry') → LB_FAILED → ...).</summary>
    private const int MaxRuleReselects = 4;

    private static readonly PersistenceProfile SourceProfile = new() { Name = "rule:source", Method = PersistenceMethods.SourceAddress };
    private static readonly PersistenceProfile UniversalProfile = new() { Name = "rule:universal", Method = PersistenceMethods.Universal };

    private bool _reselect;
    private int _reselects;
    private MemberState? _selected;
    private PersistenceProfile? _persistProfile;
    private string? _persistKey;
    private TimeSpan _persistTimeout;

    /// <summary>The member a rule chose (pool + member, node, or a persistence record) for this request; null: balance.</summary>
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
        _persistProfile = null;
        _persistKey = null;
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

    /// <summary>The member to use for the next pick: the rule's, else a live persistence record; null to balance.</summary>
    internal MemberState? Preselected()
    {
        if (RequestMember is not null)
        {
            return RequestMember;
        }
        if (_persistKey is not null && _ctx.Pool is { } pool)
        {
            return _persistence.Lookup(_ctx.Plan.Name, pool, _persistProfile!, _persistKey);
        }
        return null;
    }

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

    /// <summary>The request is being served by <paramref name="member"/>: refresh the rule's persistence record.</summary>
    internal void Served(MemberState member)
    {
        _selected = member;
        if (_persistKey is not null && _ctx.Pool is { } pool && pool.Member(member.Key) is not null)
        {
            _persistence.Record(_ctx.Plan.Name, pool, _persistProfile!, _persistKey, member, _persistTimeout);
        }
    }

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

    public void SelectMember(string address, int port)
    {
        if (!System.Net.IPAddress.TryParse(address, out var ip))
        {
            throw new ArgumentException($"ctx.lb.member: '{address}' is not an IP address");
        }
        foreach (var pool in _balancing.Pools.Values)
        {
            foreach (var m in pool.Members)
            {
                if (m.EndPoint.Port == port && m.EndPoint.Address.Equals(ip))
                {
                    Choose(pool, m);
                    return;
                }
            }
        }
        throw new ArgumentException($"ctx.lb.member: {address}:{port} is not a member of any pool (nodes outside pools are not supported)");
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

    public void MarkDown()
    {
        var member = _selected ?? _ctx.Member ?? throw new InvalidOperationException("ctx.lb.markDown(): no member was picked");
        member.SetHealth(new MemberHealth(HealthStatus.Down, "marked down by a rule", DateTimeOffset.UtcNow));
    }

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
    public void Source(int timeoutMs) => Persist(SourceProfile, PersistenceKeys.SourceAddressKey(_ctx.ClientEndPoint.Address, SourceProfile.Mask), timeoutMs);

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
        None(); // the selector's cookie persistence applies, not a rule record
    }

    /// <summary>
    /// With a universal persistence profile on the virtual (primary or fallback) the key goes to the selector
    /// (<see cref="Selection.ConnectionBalancing.PersistUniversal"/>: the profile's table, mirroring and timeout unless
    /// the rule gives one); without one, the rule keeps its own record under <c>rule:universal</c>.
    /// </summary>
    public void Universal(string key, int timeoutMs)
    {
        if (VirtualProfile(PersistenceMethods.Universal) is not null)
        {
            None();
            _ctx.Balancing.PersistUniversal(key, timeoutMs > 0 ? TimeSpan.FromMilliseconds(Math.Max(1000, timeoutMs)) : null);
            return;
        }
        Persist(UniversalProfile, key, timeoutMs);
    }

    /// <summary>The virtual's persistence profile (primary, else fallback) with <paramref name="method"/>, or null.</summary>
    private PersistenceProfile? VirtualProfile(string method)
    {
        var persistence = Selection.VirtualPersistence.For(_ctx.Plan);
        return persistence.Primary?.Method == method ? persistence.Primary : persistence.Fallback?.Method == method ? persistence.Fallback : null;
    }

    public void None()
    {
        _ctx.Balancing.ClearUniversal();
        _persistKey = null;
        _persistProfile = null;
    }

    private void Persist(PersistenceProfile profile, string key, int timeoutMs)
    {
        _persistProfile = profile;
        _persistKey = key;
        _persistTimeout = TimeSpan.FromMilliseconds(Math.Max(1000, timeoutMs));
        // In response events the member is known: record now (learning a session id from the server's Set-Cookie).
        if (_responsePhase && _selected is { } member)
        {
            Served(member);
        }
    }
}
