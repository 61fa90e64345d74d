using Fulcrum.Appliance.Dns.Wire;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Dns;

/// <summary>The dns virtuals' counters in Prometheus text: <c>fulcrum_dns_*</c> with label <c>virtual</c>.</summary>
public static class DnsMetrics
{
    private static readonly DnsParseResult[] Reasons = [.. Enum.GetValues<DnsParseResult>().Where(r => r is not (DnsParseResult.Ok or DnsParseResult.NotImplemented))];

    /// <summary>A drop reason as status and metrics spell it: <c>bad-pointer</c>, <c>name-too-long</c>, …</summary>
    public static string ReasonName(DnsParseResult reason) =>
        string.Concat(reason.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    public static void Write(PrometheusText text, DnsCounters counters)
    {
        var rows = counters.Virtuals.OrderBy(v => v.Key, StringComparer.Ordinal).ToArray();
        void Series(string name, string help, Func<DnsVirtualCounters, long> value)
        {
            text.Family(name, "counter", help);
            foreach (var (v, c) in rows)
            {
                text.Sample(name, value(c), [("virtual", v)]);
            }
        }
        Series("fulcrum_dns_queries_total", "DNS queries that parsed, over UDP and TCP.", c => c.Queries);
        Series("fulcrum_dns_tcp_queries_total", "DNS queries over TCP.", c => c.TcpQueries);
        text.Family("fulcrum_dns_answers_total", "counter", "DNS responses carrying records, by record type.");
        foreach (var (v, c) in rows)
        {
            text.Sample("fulcrum_dns_answers_total", c.AnswersA, [("virtual", v), ("type", "A")]);
            text.Sample("fulcrum_dns_answers_total", c.AnswersAaaa, [("virtual", v), ("type", "AAAA")]);
            text.Sample("fulcrum_dns_answers_total", c.AnswersCname, [("virtual", v), ("type", "CNAME")]);
            text.Sample("fulcrum_dns_answers_total", c.AnswersSoa, [("virtual", v), ("type", "SOA")]);
        }
        Series("fulcrum_dns_nodata_total", "NOERROR responses without records.", c => c.NoData);
        Series("fulcrum_dns_nxdomain_total", "NXDOMAIN responses.", c => c.NxDomain);
        Series("fulcrum_dns_refused_total", "REFUSED responses (names outside every zone, classes other than IN).", c => c.Refused);
        Series("fulcrum_dns_rule_dropped_total", "Queries a DNS_REQUEST rule dropped.", c => c.RuleDropped);
        Series("fulcrum_dns_rule_errors_total", "Queries answered SERVFAIL because their DNS_REQUEST rule failed.", c => c.RuleFailures);
        Series("fulcrum_dns_fallback_total", "Answers made from a wide IP's fallback because no member was up.", c => c.Fallback);
        Series("fulcrum_dns_truncated_total", "UDP responses sent with TC because they did not fit the client's size.", c => c.Truncated);
        text.Family("fulcrum_dns_rate_limited_total", "counter", "UDP responses held back by response rate limiting: dropped or slipped (sent truncated).");
        foreach (var (v, c) in rows)
        {
            text.Sample("fulcrum_dns_rate_limited_total", c.RateLimitedDropped, [("virtual", v), ("action", "drop")]);
            text.Sample("fulcrum_dns_rate_limited_total", c.RateLimitedSlipped, [("virtual", v), ("action", "slip")]);
        }
        text.Family("fulcrum_dns_malformed_total", "counter", "Packets dropped as malformed, by reason.");
        foreach (var (v, c) in rows)
        {
            foreach (var r in Reasons)
            {
                text.Sample("fulcrum_dns_malformed_total", c.Malformed(r), [("virtual", v), ("reason", ReasonName(r))]);
            }
        }
    }
}
