using System.Runtime.CompilerServices;
using System.Text;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Balancing.Selection;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Selection;

/// <summary>
/// Member selection for the proxy: the virtual's persistence (then its fallback persistence) first, then
/// <see cref="PoolState.Pick"/> with the pool's hash key; the choice is recorded for every table-based profile that
/// has a key. On the response side it adds or rewrites the persistence cookie and records cookie-passive values.
/// A persisted member that is down or forced offline loses its record; a disabled one keeps its clients
/// (<see cref="PersistenceService"/>'s rules).
/// </summary>
public sealed class MemberSelector
{
    private readonly PersistenceService _persistence;
    private readonly ConditionalWeakTable<VirtualPlan, VirtualPersistence> _plans = [];

    public MemberSelector(PersistenceService persistence)
    {
        _persistence = persistence;
    }

    /// <summary>
    /// The member for a new connection (L4, L7 without OneConnect) or request (OneConnect), never
    /// <paramref name="exclude"/> (the member a reselect moves away from); null when none can take it. A rule's
    /// persistence (<see cref="ConnectionBalancing.RuleMethod"/>) is asked first when the virtual has no profile of
    /// its method; then the virtual's persistence, its fallback, and the pool's method. After <c>ctx.persist.none()</c>
    /// (<see cref="ConnectionBalancing.PersistenceOff"/>) only the pool's method.
    /// </summary>
    public MemberState? Pick(ProxyContext ctx, PoolState pool, MemberState? exclude)
    {
        ctx.Balancing.PickedByPersistence = false;
        if (!Persists(ctx, pool, out var persistence, out var rule))
        {
            return BalancingSelector.PickFromPool(pool, Request(ctx, pool, exclude));
        }
        var member = Lookup(ctx, pool, rule, out var ruleKey);
        var from = member is not null && !ReferenceEquals(member, exclude) ? Source.Rule : Source.None;
        string? primaryKey = null;
        string? fallbackKey = null;
        if (from == Source.None)
        {
            member = Lookup(ctx, pool, persistence.Primary, out primaryKey);
            from = member is not null && !ReferenceEquals(member, exclude) ? Source.Primary : Source.None;
        }
        if (from == Source.None && persistence.Fallback is not null)
        {
            member = Lookup(ctx, pool, persistence.Fallback, out fallbackKey);
            from = member is not null && !ReferenceEquals(member, exclude) ? Source.Fallback : Source.None;
        }
        if (from == Source.None)
        {
            member = BalancingSelector.PickFromPool(pool, Request(ctx, pool, exclude));
        }
        ctx.Balancing.PickedByPersistence = from != Source.None;
        if (member is not null)
        {
            // A record found by lookup was refreshed by it; every other profile with a key records the choice.
            Record(ctx, pool, rule, ruleKey ?? Key(ctx, pool, rule), member, fresh: from != Source.Rule);
            Record(ctx, pool, persistence.Primary, primaryKey ?? Key(ctx, pool, persistence.Primary), member, fresh: from != Source.Primary);
            Record(ctx, pool, persistence.Fallback, fallbackKey ?? Key(ctx, pool, persistence.Fallback), member, fresh: from != Source.Fallback);
        }
        return member;
    }

    /// <summary>
    /// The connection's member is used for a request without a pick (an L7 request on the bound connection without
    /// OneConnect, a member a rule named, a pick a rule's persistence came after): the records of every profile with a
    /// key are refreshed (re-pointed if they named another member) and a missing or stale insert cookie is set again.
    /// </summary>
    public void Reuse(ProxyContext ctx, PoolState pool, MemberState member)
    {
        if (!Persists(ctx, pool, out var persistence, out var rule))
        {
            return;
        }
        Refresh(ctx, pool, rule, member);
        Refresh(ctx, pool, persistence.Primary, member);
        Refresh(ctx, pool, persistence.Fallback, member);
    }

    /// <summary>
    /// Before a response head goes to the client: whether this <c>Set-Cookie</c> field of the member is replaced
    /// (cookie rewrite), so the head writer leaves it out and <see cref="AppendResponseFields"/> writes ours.
    /// </summary>
    public static bool IsRewritten(ProxyContext ctx, HttpResponseHead response, in HttpHeaderField field)
    {
        if (ctx.Balancing.CookieProfile is not { CookieMethod: "rewrite" } profile || ctx.Pool is not { } pool)
        {
            return false;
        }
        return RequestKeys.TrySplitSetCookie(response[field.Value], out var name, out _)
            && RequestKeys.NameEquals(name, CookiePersistence.CookieName(profile, pool.Name));
    }

    /// <summary>
    /// The persistence work on a response head: cookie insert adds our <c>Set-Cookie</c> (when the request did not
    /// already carry the right value); cookie rewrite writes the member's cookie with our value; cookie passive records
    /// the member's cookie value; a rule's persistence (a universal key, its source address) is recorded for the member
    /// that answered, so a key learnt from the response (a session id in <c>Set-Cookie</c>) sticks.
    /// </summary>
    public void AppendResponseFields(ProxyContext ctx, HttpResponseHead response, ProxySide dst)
    {
        var b = ctx.Balancing;
        if (ctx.Member is not { } member || ctx.Pool is not { } pool)
        {
            return;
        }
        if (!Persists(ctx, pool, out var persistence, out var rule))
        {
            return;
        }
        if (b.CookieProfile is { } cookie && ReferenceEquals(b.CookieMember, member))
        {
            if (cookie.CookieMethod == "insert")
            {
                AppendLine(dst, "Set-Cookie: " + _persistence.Cookies.SetCookie(cookie, member, _persistence.Time.GetUtcNow(), ctx.Client.IsLayered));
            }
            else
            {
                foreach (ref readonly var field in response.Headers)
                {
                    if (field.Known == HttpKnownHeader.SetCookie && _persistence.Cookies.Rewrite(RequestKeys.Latin1(response[field.Value]), cookie, member) is { } rewritten)
                    {
                        AppendLine(dst, "Set-Cookie: " + rewritten);
                    }
                }
            }
        }
        foreach (var profile in (ReadOnlySpan<PersistenceProfile?>)[rule, persistence.Primary, persistence.Fallback])
        {
            if (profile is null)
            {
                continue;
            }
            if (VirtualPersistence.IsCookieTable(profile))
            {
                var name = CookiePersistence.CookieName(profile, pool.Name);
                foreach (ref readonly var field in response.Headers)
                {
                    if (field.Known == HttpKnownHeader.SetCookie && RequestKeys.TrySplitSetCookie(response[field.Value], out var n, out var v)
                        && RequestKeys.NameEquals(n, name) && !v.IsEmpty)
                    {
                        _persistence.Record(ctx.Plan.Name, pool, profile, RequestKeys.Latin1(v), member);
                    }
                }
            }
            else if (profile.Method == b.RuleMethod && Key(ctx, pool, profile) is { } key)
            {
                // The rule's persistence, given before the pick or in HTTP_RESPONSE: the member that answered.
                _persistence.Record(ctx.Plan.Name, pool, profile, key, member, b.RuleTimeout);
            }
        }
    }

    /// <summary>
    /// The virtual's persistence and the rule's profile in front of it (<see cref="VirtualPersistence.RuleProfile"/>);
    /// false when no persistence applies to this pick: none configured or asked for, a rule node, or <c>ctx.persist.none()</c>.
    /// </summary>
    private bool Persists(ProxyContext ctx, PoolState pool, out VirtualPersistence persistence, out PersistenceProfile? rule)
    {
        persistence = _plans.GetValue(ctx.Plan, VirtualPersistence.For);
        rule = persistence.RuleProfile(ctx.Balancing.RuleMethod);
        return !(persistence.IsEmpty && rule is null) && !RuleNodes.IsNode(pool) && !ctx.Balancing.PersistenceOff;
    }

    /// <summary>
    /// The proxy's side of the adapter: the shared <see cref="BalancingRequest"/> built from the connection, with the
    /// pool's hash key for source-hash and consistent-hash pools (read from the request or given by a rule).
    /// </summary>
    internal static BalancingRequest Request(ProxyContext ctx, PoolState pool, MemberState? exclude)
    {
        var client = ctx.ClientEndPoint;
        if (pool.MethodName is not (LoadBalancingModes.SourceHash or LoadBalancingModes.ConsistentHash))
        {
            return new BalancingRequest(ctx.Plan.Name, client.Address, client.Port, null, exclude);
        }
        var key = pool.Config.Config.HashKey switch
        {
            null or "source-address" => null,
            "rule" => ctx.Balancing.RuleHashKey,
            var spec => RequestKeys.Get(ctx.Balancing.Request, spec),
        };
        // A key the request lacks falls back to the client address.
        return new BalancingRequest(ctx.Plan.Name, client.Address, client.Port, key, exclude);
    }

    /// <summary>The persisted member by one profile, or null; <paramref name="key"/> is the table key it used (null: none).</summary>
    private MemberState? Lookup(ProxyContext ctx, PoolState pool, PersistenceProfile? profile, out string? key)
    {
        key = null;
        if (profile is null)
        {
            return null;
        }
        if (VirtualPersistence.IsCookieValue(profile))
        {
            if (ctx.Balancing.Request is not { } request)
            {
                return null;
            }
            var value = RequestKeys.Cookie(request, CookiePersistence.CookieName(profile, pool.Name));
            var member = _persistence.LookupCookie(pool, profile, value);
            ctx.Balancing.CookieProfile = profile;
            // Re-set the cookie unless the client sent the very value for the member it gets.
            ctx.Balancing.CookieMember = null;
            return member;
        }
        key = Key(ctx, pool, profile);
        return key is null ? null : _persistence.Lookup(ctx.Plan.Name, pool, profile, key);
    }

    /// <summary>The table key a profile reads from this connection or request; null when there is none (or the profile is cookie-based).</summary>
    private static string? Key(ProxyContext ctx, PoolState pool, PersistenceProfile? profile)
    {
        if (profile is null)
        {
            return null;
        }
        var b = ctx.Balancing;
        return profile.Method switch
        {
            PersistenceMethods.SourceAddress => PersistenceKeys.SourceAddressKey(ctx.ClientEndPoint.Address, profile.Mask),
            PersistenceMethods.Hash => RequestKeys.Get(b.Request, profile.HashKey),
            PersistenceMethods.Universal => b.UniversalKey,
            PersistenceMethods.Cookie when profile.CookieMethod == "passive" && b.Request is { } request =>
                RequestKeys.Cookie(request, CookiePersistence.CookieName(profile, pool.Name)),
            _ => null,
        };
    }

    private void Record(ProxyContext ctx, PoolState pool, PersistenceProfile? profile, string? key, MemberState member, bool fresh)
    {
        if (profile is null)
        {
            return;
        }
        if (VirtualPersistence.IsCookieValue(profile))
        {
            NoteCookie(ctx, pool, profile, member);
            return;
        }
        if (key is not null && fresh && !VirtualPersistence.IsCookieTable(profile))
        {
            _persistence.Record(ctx.Plan.Name, pool, profile, key, member, Timeout(ctx, profile));
        }
    }

    private void Refresh(ProxyContext ctx, PoolState pool, PersistenceProfile? profile, MemberState member)
    {
        if (profile is null)
        {
            return;
        }
        if (VirtualPersistence.IsCookieValue(profile))
        {
            NoteCookie(ctx, pool, profile, member);
            return;
        }
        if (Key(ctx, pool, profile) is { } key && !VirtualPersistence.IsCookieTable(profile)
            && !ReferenceEquals(_persistence.Lookup(ctx.Plan.Name, pool, profile, key), member))
        {
            _persistence.Record(ctx.Plan.Name, pool, profile, key, member, Timeout(ctx, profile));
        }
    }

    /// <summary>The rule's timeout for the profile serving its persistence method; null: the profile's own.</summary>
    private static TimeSpan? Timeout(ProxyContext ctx, PersistenceProfile profile) =>
        profile.Method == ctx.Balancing.RuleMethod ? ctx.Balancing.RuleTimeout : null;

    /// <summary>Cookie insert/rewrite: the response sets the cookie unless the request already named this member.</summary>
    private void NoteCookie(ProxyContext ctx, PoolState pool, PersistenceProfile profile, MemberState member)
    {
        var b = ctx.Balancing;
        var sent = b.Request is { } request ? RequestKeys.Cookie(request, CookiePersistence.CookieName(profile, pool.Name)) : null;
        if (profile.CookieMethod == "rewrite" || sent is null || _persistence.Cookies.Decode(pool, sent) != member)
        {
            b.CookieProfile = profile;
            b.CookieMember = member;
        }
        else if (ReferenceEquals(b.CookieProfile, profile))
        {
            b.CookieMember = null;
        }
    }

    private static void AppendLine(ProxySide dst, string line)
    {
        var span = dst.GetSpan(Encoding.Latin1.GetByteCount(line) + 2);
        var n = Encoding.Latin1.GetBytes(line, span);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        dst.Advance(n);
    }

    /// <summary>Which profile gave the member in <see cref="Pick"/>.</summary>
    private enum Source : byte
    {
        None,
        Rule,
        Primary,
        Fallback,
    }
}
