using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Selection;

/// <summary>
/// One client connection's balancing state (<c>ctx.Balancing</c>): the values rules give the next pick
/// (<see cref="SetHashKey"/>, <see cref="PersistUniversal"/>, <see cref="PersistSource"/>), the request being balanced, the persistence cookie the
/// response must carry, and the watch on the current member's <see cref="MemberState.DownToken"/> that applies the
/// pool's service-down action.
/// </summary>
public sealed class ConnectionBalancing : IDisposable
{
    private readonly ProxyContext _ctx;
    private CancellationTokenRegistration _downRegistration;
    private MemberState? _watched;
    private CancellationToken _watchedToken;
    private int _reselect;

    public ConnectionBalancing(ProxyContext ctx)
    {
        _ctx = ctx;
    }

    /// <summary>
    /// The key a rule set for pools whose <c>hashKey</c> is <c>rule</c> (source-hash, consistent-hash); null: the
    /// client address. Per request at L7 (<see cref="BeginRequest"/> clears it), per connection at L4.
    /// </summary>
    public string? RuleHashKey { get; private set; }

    /// <summary>
    /// The persistence method a rule asked for (<c>ctx.persist.source</c>: source-address, <c>ctx.persist.universal</c>:
    /// universal), or null. The selector applies it with the virtual's profile of that method, else with the rule's
    /// default profile (<see cref="VirtualPersistence.RuleSource"/>, <see cref="VirtualPersistence.RuleUniversal"/>).
    /// </summary>
    public string? RuleMethod { get; private set; }

    /// <summary>Whether the last <see cref="MemberSelector.Pick"/> took its member from a persistence record (redispatch applies to it).</summary>
    public bool PickedByPersistence { get; internal set; }

    /// <summary>The universal persistence key a rule gave (<c>ctx.persist.universal</c>).</summary>
    public string? UniversalKey { get; private set; }

    /// <summary>The rule's timeout for the profile of <see cref="RuleMethod"/>; null: the profile's.</summary>
    public TimeSpan? RuleTimeout { get; private set; }

    /// <summary>
    /// Rules hook: the key for pools with <c>hashKey: rule</c>. Set it before the pick (CLIENT_ACCEPTED or
    /// CLIENT_DATA at L4, HTTP_REQUEST at L7); null goes back to the client address.
    /// </summary>
    public void SetHashKey(string? key) => RuleHashKey = key;

    /// <summary>
    /// Rules hook for universal persistence (<c>ctx.persist.universal(key, timeoutMs)</c>). Given before the pick
    /// (CLIENT_ACCEPTED, HTTP_REQUEST), a record for the key picks the member and a new pick is recorded under it;
    /// given after the pick (HTTP_RESPONSE), the key is recorded for the member that answered. A timeout overrides the
    /// profile's.
    /// </summary>
    public void PersistUniversal(string key, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        RuleMethod = PersistenceMethods.Universal;
        PersistenceOff = false;
        UniversalKey = key;
        RuleTimeout = timeout;
    }

    /// <summary>
    /// Rules hook for source-address persistence (<c>ctx.persist.source(timeoutMs)</c>): the client address under
    /// the profile's mask is looked up before the pick and recorded for the member used. A timeout overrides the
    /// profile's.
    /// </summary>
    public void PersistSource(TimeSpan? timeout = null)
    {
        RuleMethod = PersistenceMethods.SourceAddress;
        PersistenceOff = false;
        UniversalKey = null;
        RuleTimeout = timeout;
    }

    /// <summary>
    /// True after <c>ctx.persist.none()</c>: no persistence at all for this request (L7) or connection (L4), the
    /// virtual's own profiles included: no lookup, no record, no cookie. Each new request starts with it false, and a
    /// later <c>ctx.persist.source/universal/cookie</c> turns persistence back on (as a later iRules <c>persist</c> does).
    /// </summary>
    public bool PersistenceOff { get; private set; }

    /// <summary>No rule persistence (each new request, and <c>ctx.persist.cookie()</c>); the virtual's profiles still apply.</summary>
    public void ClearRulePersistence()
    {
        RuleMethod = null;
        UniversalKey = null;
        RuleTimeout = null;
        PersistenceOff = false;
    }

    /// <summary>Rules hook for <c>ctx.persist.none()</c> (iRules <c>persist none</c>): see <see cref="PersistenceOff"/>.</summary>
    public void TurnOffPersistence()
    {
        ClearRulePersistence();
        PersistenceOff = true;
        CookieProfile = null;
        CookieMember = null;
    }

    /// <summary>The HTTP request being balanced (null at L4).</summary>
    internal HttpRequestHead? Request { get; private set; }

    /// <summary>Cookie insert/rewrite: the profile whose cookie the response must (re)set, and for which member.</summary>
    internal PersistenceProfile? CookieProfile { get; set; }

    internal MemberState? CookieMember { get; set; }

    /// <summary>True while an idempotent request without a body waits for its response head (it may move on service down).</summary>
    internal bool AwaitingRetryableResponse { get; set; }

    /// <summary>A new HTTP request on the connection: forget the previous one's cookie work, rule persistence and hash key.</summary>
    internal void BeginRequest(HttpRequestHead request)
    {
        Request = request;
        CookieProfile = null;
        CookieMember = null;
        RuleHashKey = null;
        ClearRulePersistence();
        Volatile.Write(ref _reselect, 0);
    }

    /// <summary>
    /// With <c>serviceDownAction: reselect</c>, a connection whose member is down is not used for another request
    /// (the next request is balanced afresh; the down member is not selectable).
    /// </summary>
    public bool MustLeave(MemberState member) =>
        _ctx.Pool?.ServiceDownAction == ServiceDownAction.Reselect && member.Health.Status == HealthStatus.Down;

    /// <summary>True once after the service-down watch aborted an unanswered idempotent request to move it.</summary>
    public bool TakeReselect() => Interlocked.Exchange(ref _reselect, 0) == 1;

    /// <summary>Follows the member the connection now uses; its going down applies the pool's service-down action.</summary>
    public void Watch(MemberState member)
    {
        var token = member.DownToken;
        if (ReferenceEquals(member, _watched) && token == _watchedToken)
        {
            return;
        }
        _downRegistration.Dispose();
        _watched = member;
        _watchedToken = token;
        _downRegistration = token.UnsafeRegister(static s => ((ConnectionBalancing)s!).OnMemberDown(), this);
    }

    private void OnMemberDown()
    {
        var action = _ctx.Pool?.ServiceDownAction ?? ServiceDownAction.None;
        if (action == ServiceDownAction.None)
        {
            return;
        }
        var l7 = _ctx.Plan.Http is not null;
        if (l7 && _ctx.Plan.OneConnect is not null && _ctx.Server is null)
        {
            return; // between requests with OneConnect: this client holds no connection to the member
        }
        if (action == ServiceDownAction.Reselect && l7)
        {
            // L7: an unanswered idempotent request is moved; otherwise the response in flight finishes and the next
            // request goes elsewhere (MustLeave).
            if (AwaitingRetryableResponse && _ctx.Server is { } server)
            {
                Volatile.Write(ref _reselect, 1);
                server.Abort();
            }
            return;
        }
        // Reset, and reselect at L4: a byte stream already under way cannot move to another member.
        _ctx.Fail(TerminationCause.MemberDown);
        _ctx.Client.Abort();
        _ctx.Server?.Abort();
    }

    public void Dispose()
    {
        _downRegistration.Dispose();
        _watched = null;
    }
}
