using System.Net;
using Fulcrum.Appliance.Dns;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Dns;

public sealed class DnsRateLimiterTests
{
    [Fact]
    public void OverTheLimit_EverySecondSlips_OthersDrop_NextSecondSendsAgain()
    {
        var clock = new FakeClock();
        var rrl = new DnsRateLimiter(3, clock);
        var client = DnsRateLimiter.FromAddress(IPAddress.Parse("192.0.2.10"));
        var decisions = Enumerable.Range(0, 7).Select(_ => rrl.Check(client)).ToArray();
        Assert.Equal([RrlDecision.Send, RrlDecision.Send, RrlDecision.Send, RrlDecision.Drop, RrlDecision.Slip, RrlDecision.Drop, RrlDecision.Slip], decisions);

        // The same /24 shares the budget; another network has its own.
        Assert.Equal(RrlDecision.Drop, rrl.Check(DnsRateLimiter.FromAddress(IPAddress.Parse("192.0.2.200"))));
        Assert.Equal(RrlDecision.Send, rrl.Check(DnsRateLimiter.FromAddress(IPAddress.Parse("198.51.100.1"))));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RrlDecision.Send, rrl.Check(client));
    }

    [Fact]
    public void SocketAddress_IPv4AndMappedAndIPv6_AreRead()
    {
        var v4 = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 53).Serialize();
        Assert.Equal("192.0.2.7/32", DnsRateLimiter.FromSocketAddress(v4.Buffer.Span[..v4.Size]).ToString());
        var mapped = new IPEndPoint(IPAddress.Parse("192.0.2.7").MapToIPv6(), 53).Serialize();
        Assert.Equal("192.0.2.7/32", DnsRateLimiter.FromSocketAddress(mapped.Buffer.Span[..mapped.Size]).ToString());
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 53).Serialize();
        Assert.Equal("2001:db8::1/128", DnsRateLimiter.FromSocketAddress(v6.Buffer.Span[..v6.Size]).ToString());
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.9.8.7", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.0.2.0/25", "192.0.2.127", true)]
    [InlineData("192.0.2.0/25", "192.0.2.128", false)]
    [InlineData("0.0.0.0/0", "203.0.113.1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/96", "2001:db8::1:0:1", false)]
    [InlineData("2001:db8::/32", "10.0.0.1", false)]
    public void TopologyEntry_MatchesByPrefix(string cidr, string address, bool matches) =>
        Assert.Equal(matches, TopologyEntry.Parse(cidr, 0)!.Value.Matches(DnsRateLimiter.FromAddress(IPAddress.Parse(address))));
}
