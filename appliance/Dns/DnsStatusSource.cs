using Fulcrum.Appliance.DataPlane.Listeners;
using Fulcrum.Appliance.Dns.Wire;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Dns;

/// <summary>Adds each dns virtual's listener state and counters to the status report (<c>dns</c>, and the state in <c>virtuals</c>).</summary>
internal sealed class DnsStatusSource(DnsListenerManager manager, DnsCounters counters) : IStatusSource
{
    private static readonly DnsParseResult[] Reasons = [.. Enum.GetValues<DnsParseResult>().Where(r => r is not (DnsParseResult.Ok or DnsParseResult.NotImplemented))];

    public void Fill(ApplianceStatus status)
    {
        var servers = manager.Servers;
        foreach (var v in status.Virtuals)
        {
            if (servers.TryGetValue(v.Name, out var server) && v.Enabled)
            {
                v.State = server.State;
                v.Error = server.Error;
                v.Requests = server.Counters.Queries;
            }
        }
        foreach (var (name, c) in counters.Virtuals.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            servers.TryGetValue(name, out var server);
            status.Dns.Add(new DnsVirtualStatus
            {
                Name = name,
                State = server?.State ?? ListenerState.Disabled,
                Queries = c.Queries,
                TcpQueries = c.TcpQueries,
                Answers = new Dictionary<string, long>
                {
                    ["A"] = c.AnswersA,
                    ["AAAA"] = c.AnswersAaaa,
                    ["CNAME"] = c.AnswersCname,
                    ["SOA"] = c.AnswersSoa,
                },
                NoData = c.NoData,
                NxDomain = c.NxDomain,
                Refused = c.Refused,
                NotImplemented = c.NotImplemented,
                Fallback = c.Fallback,
                Truncated = c.Truncated,
                RateLimited = c.RateLimitedDropped + c.RateLimitedSlipped,
                RateLimitedSlipped = c.RateLimitedSlipped,
                RuleDropped = c.RuleDropped,
                RuleErrors = c.RuleFailures,
                Malformed = c.MalformedTotal,
                MalformedByReason = Reasons.Where(r => c.Malformed(r) > 0).ToDictionary(DnsMetrics.ReasonName, r => c.Malformed(r)),
            });
        }
    }
}
