namespace Fulcrum.Appliance.Stats;

/// <summary>One dns virtual server's listener state and counters (docs/DNS.md, "Counters").</summary>
public sealed class DnsVirtualStatus
{
    public required string Name { get; set; }
    /// <summary><c>listening | disabled | error | unknown</c>.</summary>
    public required string State { get; set; }
    public long Queries { get; set; }
    public long TcpQueries { get; set; }
    /// <summary>Responses carrying records, by type: A, AAAA, CNAME, SOA.</summary>
    public Dictionary<string, long> Answers { get; set; } = [];
    public long NoData { get; set; }
    public long NxDomain { get; set; }
    public long Refused { get; set; }
    public long NotImplemented { get; set; }
    public long Fallback { get; set; }
    public long Truncated { get; set; }
    /// <summary>UDP responses held back by response rate limiting (dropped plus slipped).</summary>
    public long RateLimited { get; set; }
    public long RateLimitedSlipped { get; set; }
    /// <summary>Queries a DNS_REQUEST rule dropped (<c>ctx.dns.drop()</c>).</summary>
    public long RuleDropped { get; set; }
    /// <summary>Queries answered SERVFAIL because their DNS_REQUEST rule failed.</summary>
    public long RuleErrors { get; set; }
    /// <summary>Packets dropped as malformed.</summary>
    public long Malformed { get; set; }
    public Dictionary<string, long> MalformedByReason { get; set; } = [];
}
