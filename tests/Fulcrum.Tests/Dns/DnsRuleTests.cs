using System.Diagnostics;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Dns;

/// <summary>The DNS_REQUEST rule event on a real dns virtual, asked with dig (docs/DNS.md, "Rules").</summary>
public sealed class DnsRuleTests
{
    private const string Source = """
        when('DNS_REQUEST', ctx => {
          const n = ctx.dns.name;
          if (n === 'rule.example.com') ctx.dns.answer(['192.0.2.7', '2001:db8::7'], {ttl: 42});
          else if (n === 'me.example.com') ctx.dns.answer(ctx.client.ip);
          else if (n === 'typed.example.com' && ctx.dns.type === 'A') ctx.dns.answer('192.0.2.8');
          else if (n === 'www.example.com' && ctx.dns.subnet === '203.0.113.0/24') ctx.dns.pool('eu');
          else if (n === 'drop.example.com') ctx.dns.drop();
          else if (n === 'boom.example.com') throw new Error('boom');
          else if (n === 'gone.example.com') ctx.dns.nxdomain();
          else if (n === 'no.example.com') ctx.dns.refused();
        });
        """;

    [Fact]
    public async Task DnsRequestRule_Answers_PicksPool_Drops_FailsOnlyTheQuery_Counted()
    {
        using var dir = new TempDir();
        var (app, api, port) = await DnsServerTests.StartAsync(dir, """{"name":"www.example.com","pools":["web","eu"]}""", "\"www.example.com\"");
        await using var _ = app;
        using var __ = api;
        Assert.Equal(201, (await api.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = "gslb-rule", source = Source }))).Code);
        var patched = await api.Patch("/api/v1/virtuals/gslb", """{"rules":["gslb-rule"]}""");
        Assert.True(patched.Code == 200, patched.Text);
        var sw = Stopwatch.StartNew();
        while (!(await Dig.ShortAsync(port, "rule.example.com", "A")).SequenceEqual(["192.0.2.7"]))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "the rule never answered");
            await Task.Delay(100);
        }

        // Answer from the rule: only the addresses of the queried type, with the rule's TTL, authoritative.
        var a = await Dig.RunAsync(port, "rule.example.com", "A");
        Assert.Contains("flags: qr aa rd", a);
        Assert.Matches(@"rule\.example\.com\.\s+42\s+IN\s+A\s+192\.0\.2\.7", a);
        Assert.Contains("ANSWER: 1", a);
        Assert.Equal(["2001:db8::7"], await Dig.ShortAsync(port, "+tcp", "rule.example.com", "AAAA"));
        Assert.Equal(["127.0.0.1"], await Dig.ShortAsync(port, "me.example.com", "A"));
        Assert.Equal(["192.0.2.8"], await Dig.ShortAsync(port, "typed.example.com", "A"));
        Assert.Contains("status: NXDOMAIN", await Dig.RunAsync(port, "typed.example.com", "AAAA")); // the rule did nothing: as configured

        // Pool choice from the rule: the ECS network 203.0.113.0/24 gets the eu pool only; others all members round robin.
        var eu = await Dig.BatchAsync(port, Enumerable.Repeat("www.example.com A +subnet=203.0.113.0/24", 20));
        Assert.Equal(20, eu.Length);
        Assert.All(eu, x => Assert.Equal("10.1.0.1", x));
        var all = await Dig.BatchAsync(port, Enumerable.Repeat("www.example.com A +subnet=198.51.100.0/24", 30));
        Assert.Equal(30, all.Length);
        Assert.Contains("10.0.0.1", all);
        Assert.Contains("10.1.0.1", all);

        // Rcodes from the rule.
        var gone = await Dig.RunAsync(port, "gone.example.com", "A");
        Assert.Contains("status: NXDOMAIN", gone);
        Assert.Matches(@"example\.com\.\s+\d+\s+IN\s+SOA", gone);
        Assert.Contains("status: REFUSED", await Dig.RunAsync(port, "no.example.com", "A"));

        // Drop: no response at all (dig gives up after its one try); a rule error: SERVFAIL for that query only.
        var dropped = await Dig.RunAsync(port, "+timeout=1", "drop.example.com", "A");
        Assert.Contains("timed out", dropped);
        Assert.DoesNotContain("status:", dropped);
        Assert.Contains("status: SERVFAIL", await Dig.RunAsync(port, "boom.example.com", "A"));
        Assert.Contains("status: SERVFAIL", await Dig.RunAsync(port, "+tcp", "boom.example.com", "A"));
        Assert.Equal(["192.0.2.7"], await Dig.ShortAsync(port, "rule.example.com", "A"));

        var s = await DnsServerTests.DnsStatus(api);
        Assert.Equal(1, s.GetProperty("ruleDropped").GetInt64());
        Assert.Equal(2, s.GetProperty("ruleErrors").GetInt64());
        var metrics = (await api.Get("/metrics")).Text;
        Assert.Contains("fulcrum_dns_rule_errors_total{virtual=\"gslb\"} 2", metrics);
        Assert.Contains("fulcrum_dns_rule_dropped_total{virtual=\"gslb\"} 1", metrics);
        Assert.Contains("fulcrum_rule_failures_total{rule=\"gslb-rule\"} 2", metrics);
    }
}
