using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>
/// Persistence as the data plane sees it. Per connection (or request) with a persistence profile:
/// <list type="number">
/// <item>build the key: <see cref="PersistenceKeys.SourceAddressKey(System.Net.IPAddress, string)"/>, a header or URI part
/// (hash), the server's cookie value (cookie passive), or a rule's <c>ctx.persist.universal(key, timeout)</c>; for
/// cookie insert/rewrite read the request cookie and call <see cref="LookupCookie"/> instead;</item>
/// <item><see cref="Lookup"/>: a member, or null, then <see cref="PoolState.Pick"/>;</item>
/// <item>after a pick, <see cref="Record"/> (cookie insert: add <see cref="CookiePersistence.SetCookie"/> to the response).</item>
/// </list>
/// Rules: a persisted member that is down or forced offline loses the record (the client is rebalanced); a
/// disabled one keeps its clients; one at its connection limit is passed over (record kept) unless the profile
/// overrides the limit; a member no longer in the pool loses the record.
/// </summary>
public sealed class PersistenceService
{
    public PersistenceService(TimeProvider time, PersistenceOptions options)
    {
        Time = time;
        Table = new PersistenceTable(time, options.Capacity);
        Cookies = new CookiePersistence(options.CookieSecret);
    }

    public PersistenceTable Table { get; }

    public CookiePersistence Cookies { get; }

    public TimeProvider Time { get; }

    public static PersistenceKey KeyFor(string virtualName, PoolState pool, PersistenceProfile profile, string key) =>
        new(profile.MatchAcrossVirtuals ? PersistenceKey.AcrossVirtuals : virtualName, pool.Name, profile.Name, PersistenceKeys.Normalize(key));

    /// <summary>The persisted member for <paramref name="key"/> when it may take this client; null to load balance.</summary>
    public MemberState? Lookup(string virtualName, PoolState pool, PersistenceProfile profile, string key)
    {
        var record = Table.Get(KeyFor(virtualName, pool, profile, key));
        if (record is null)
        {
            return null;
        }
        var member = pool.Member(record.MemberKey);
        if (member is null || member.AdminState == Config.Runtime.MemberAdminState.ForcedOffline || member.Health.Status == HealthStatus.Down)
        {
            Table.Remove(record);
            return null;
        }
        return member.IsPersistenceTarget(profile.OverrideConnectionLimit) ? member : null;
    }

    /// <summary>
    /// Records that <paramref name="key"/> goes to <paramref name="member"/> for the profile's timeout, or
    /// <paramref name="timeout"/> when a rule gives one (<c>ctx.persist.universal(key, timeoutMs)</c>).
    /// </summary>
    public PersistenceRecord Record(string virtualName, PoolState pool, PersistenceProfile profile, string key, MemberState member, TimeSpan? timeout = null) =>
        Table.Set(KeyFor(virtualName, pool, profile, key), virtualName, profile.Method, member, timeout ?? TimeSpan.FromSeconds(profile.Timeout));

    public bool Remove(string virtualName, PoolState pool, PersistenceProfile profile, string key) =>
        Table.Remove(KeyFor(virtualName, pool, profile, key));

    /// <summary>Cookie insert and rewrite: the member the request's cookie value names, under the same rules as <see cref="Lookup"/>.</summary>
    public MemberState? LookupCookie(PoolState pool, PersistenceProfile profile, string? cookieValue)
    {
        var member = Cookies.Decode(pool, cookieValue);
        return member is not null && member.IsPersistenceTarget(profile.OverrideConnectionLimit) ? member : null;
    }

    /// <summary>Live records matching every filter given (null filters match all).</summary>
    public IReadOnlyList<PersistenceEntry> List(string? virtualName = null, string? pool = null, string? key = null) =>
        [.. Table.Records().Where(r => Matches(r, virtualName, pool, key)).Select(PersistenceEntry.From).OrderBy(e => e.Virtual, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal)];

    /// <summary>Removes the records matching every filter given; returns how many.</summary>
    public int Clear(string? virtualName = null, string? pool = null, string? key = null) =>
        Table.RemoveWhere(r => Matches(r, virtualName, pool, key));

    private static bool Matches(PersistenceRecord r, string? virtualName, string? pool, string? key) =>
        (virtualName is null || r.Virtual == virtualName)
        && (pool is null || r.Key.Pool == pool)
        && (key is null || r.Key.Key == key);
}
