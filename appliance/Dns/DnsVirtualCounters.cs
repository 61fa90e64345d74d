using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Appliance.Dns;

/// <summary>One dns virtual server's counters; kept across config generations by virtual name. Increments are interlocked, reads volatile.</summary>
public sealed class DnsVirtualCounters
{
    private static readonly int ReasonCount = Enum.GetValues<DnsParseResult>().Length;

    private long _queries;
    private long _tcpQueries;
    private long _a;
    private long _aaaa;
    private long _cname;
    private long _soa;
    private long _noData;
    private long _nxDomain;
    private long _refused;
    private long _notImp;
    private long _fallback;
    private long _truncated;
    private long _rateLimitedDropped;
    private long _rateLimitedSlipped;
    private long _ruleDropped;
    private long _ruleFailed;
    private readonly long[] _malformed = new long[ReasonCount];

    /// <summary>Queries received that parsed (over UDP and TCP).</summary>
    public long Queries => Volatile.Read(ref _queries);
    public long TcpQueries => Volatile.Read(ref _tcpQueries);
    /// <summary>Responses carrying an A record (likewise for the other types).</summary>
    public long AnswersA => Volatile.Read(ref _a);
    public long AnswersAaaa => Volatile.Read(ref _aaaa);
    public long AnswersCname => Volatile.Read(ref _cname);
    public long AnswersSoa => Volatile.Read(ref _soa);
    /// <summary>NOERROR without records: a known name asked for a type it does not have, or no member up and no fallback.</summary>
    public long NoData => Volatile.Read(ref _noData);
    public long NxDomain => Volatile.Read(ref _nxDomain);
    public long Refused => Volatile.Read(ref _refused);
    public long NotImplemented => Volatile.Read(ref _notImp);
    /// <summary>Answers made from a wide IP's fallback because no member was up.</summary>
    public long Fallback => Volatile.Read(ref _fallback);
    /// <summary>UDP responses sent with TC set because they did not fit the client's size.</summary>
    public long Truncated => Volatile.Read(ref _truncated);
    public long RateLimitedDropped => Volatile.Read(ref _rateLimitedDropped);
    /// <summary>Rate-limited responses sent truncated (TC) instead of dropped, so a real client can retry over TCP.</summary>
    public long RateLimitedSlipped => Volatile.Read(ref _rateLimitedSlipped);

    /// <summary>Queries a DNS_REQUEST rule dropped (<c>ctx.dns.drop()</c>): no response.</summary>
    public long RuleDropped => Volatile.Read(ref _ruleDropped);
    /// <summary>Queries whose DNS_REQUEST rule failed (threw, overran a limit, or the virtual's rules do not compile): answered SERVFAIL.</summary>
    public long RuleFailures => Volatile.Read(ref _ruleFailed);

    /// <summary>Packets dropped as malformed, by reason.</summary>
    public long Malformed(DnsParseResult reason) => Volatile.Read(ref _malformed[(int)reason]);

    public long MalformedTotal
    {
        get
        {
            long n = 0;
            for (var i = 0; i < _malformed.Length; i++)
            {
                n += Volatile.Read(ref _malformed[i]);
            }
            return n;
        }
    }

    internal void Query(bool tcp)
    {
        Interlocked.Increment(ref _queries);
        if (tcp)
        {
            Interlocked.Increment(ref _tcpQueries);
        }
    }

    internal void Answer(ushort type)
    {
        switch (type)
        {
            case DnsTypes.A: Interlocked.Increment(ref _a); break;
            case DnsTypes.Aaaa: Interlocked.Increment(ref _aaaa); break;
            case DnsTypes.Cname: Interlocked.Increment(ref _cname); break;
            case DnsTypes.Soa: Interlocked.Increment(ref _soa); break;
        }
    }

    internal void Rcode(DnsRcode rcode)
    {
        switch (rcode)
        {
            case DnsRcode.NxDomain: Interlocked.Increment(ref _nxDomain); break;
            case DnsRcode.Refused: Interlocked.Increment(ref _refused); break;
            case DnsRcode.NotImp: Interlocked.Increment(ref _notImp); break;
        }
    }

    internal void NoDataSent() => Interlocked.Increment(ref _noData);
    internal void FallbackSent() => Interlocked.Increment(ref _fallback);
    internal void TruncatedSent() => Interlocked.Increment(ref _truncated);
    internal void RateLimited(bool slipped) => Interlocked.Increment(ref slipped ? ref _rateLimitedSlipped : ref _rateLimitedDropped);
    internal void RuleDrop() => Interlocked.Increment(ref _ruleDropped);
    internal void RuleFailed() => Interlocked.Increment(ref _ruleFailed);
    internal void Dropped(DnsParseResult reason) => Interlocked.Increment(ref _malformed[(int)reason]);
}
