namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>
/// One persistence record: a key's member in a pool. Its expiry moves forward on every use (the profile's timeout
/// counts from the last connection, as in LTM); everything else is fixed, a new choice replaces the record.
/// </summary>
public sealed class PersistenceRecord
{
    private long _expires;

    internal PersistenceRecord(PersistenceKey key, string virtualName, string method, MemberState member, DateTimeOffset created, TimeSpan timeout)
    {
        Key = key;
        Virtual = virtualName;
        Method = method;
        Member = member;
        Created = created;
        Timeout = timeout;
        _expires = (created + timeout).UtcTicks;
    }

    public PersistenceKey Key { get; }

    /// <summary>The virtual server that made the record (also for records matched across virtuals).</summary>
    public string Virtual { get; }

    /// <summary>The profile's persistence method (<c>source-address</c>, <c>hash</c>, <c>universal</c>, <c>cookie</c>).</summary>
    public string Method { get; }

    /// <summary>The member state the record counts against (least-sessions); resolved again by key on lookup.</summary>
    public MemberState Member { get; }

    public string MemberKey => Member.Key;

    public DateTimeOffset Created { get; }

    public TimeSpan Timeout { get; }

    public DateTimeOffset Expires => new(Interlocked.Read(ref _expires), TimeSpan.Zero);

    internal long ExpiresTicks => Interlocked.Read(ref _expires);

    internal bool IsExpired(long nowTicks) => nowTicks >= Interlocked.Read(ref _expires);

    internal void Touch(long nowTicks) => Interlocked.Exchange(ref _expires, nowTicks + Timeout.Ticks);
}
