using System.Net;
using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Tests.Balancing;

/// <summary>Nodes rules name outside every pool: shared per endpoint, bounded, never pooled past the bound.</summary>
public sealed class RuleNodesTests
{
    private static RuleNodes New() => new(TimeProvider.System, SharedRandomSource.Instance);

    [Fact]
    public void Get_SameEndpoint_SameOneMemberPoolNamedDash()
    {
        var nodes = New();

        var a = nodes.Get(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 8080));
        var again = nodes.Get(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 8080));
        var v6 = nodes.Get(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 443));

        Assert.Same(a, again);
        Assert.Equal("-", a.Name);
        Assert.True(RuleNodes.IsNode(a));
        var member = Assert.Single(a.Members);
        Assert.Equal(("-", "10.0.0.7:8080", true, true), (member.Pool, member.Key, member.Poolable, member.IsSelectable));
        Assert.Equal("[2001:db8::7]:443", v6.Members[0].Key);
        Assert.Same(member, a.Pick(new PickContext(IPAddress.Loopback, null, null)));
    }

    [Fact]
    public void Get_PastTheCap_PrivateUnpooledNodes_TheSharedSetStopsGrowing()
    {
        var nodes = New();
        for (var i = 0; i < RuleNodes.MaxShared; i++)
        {
            nodes.Get(new IPEndPoint(IPAddress.Parse("10.1.0.1"), 1000 + i));
        }

        var past = nodes.Get(new IPEndPoint(IPAddress.Parse("10.2.0.1"), 80));
        var pastAgain = nodes.Get(new IPEndPoint(IPAddress.Parse("10.2.0.1"), 80));

        Assert.Equal(RuleNodes.MaxShared, nodes.Count);
        Assert.NotSame(past, pastAgain);
        Assert.False(past.Members[0].Poolable);
        Assert.True(nodes.Get(new IPEndPoint(IPAddress.Parse("10.1.0.1"), 1000)).Members[0].Poolable);
    }
}
