using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Balancing.Selection;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Packet;
using Fulcrum.Packet.Balancing;
using Fulcrum.Tests.Balancing;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Packet;

/// <summary>Packet mode's balancing contract on the shared balancing code: same methods, persistence table and member state as the proxy.</summary>
public sealed class FlowBalancerTests
{
    private readonly FakeClock _clock = new();
    private readonly PersistenceService _persistence;
    private readonly TestPools _pools;
    private readonly FlowBalancer _balancer;

    public FlowBalancerTests()
    {
        _persistence = new PersistenceService(_clock, new PersistenceOptions { CookieSecret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)] });
        var pool = new Pool { Name = "p", LoadBalancingMode = LoadBalancingModes.RoundRobin, Members = [TestPools.Member(0), TestPools.Member(1)] };
        var config = FulcrumConfig.Default with
        {
            Pools = [pool],
            Profiles = FulcrumConfig.Default.Profiles with { Persistence = [new PersistenceProfile { Name = "src", Method = PersistenceMethods.SourceAddress, Timeout = 60 }] },
            Virtuals =
            [
                new VirtualServer { Name = "plain", Destination = "192.0.2.10:80", Type = VirtualServerTypes.PerformanceL4, Pool = "p", Profiles = [] },
                new VirtualServer { Name = "sticky", Destination = "192.0.2.10:81", Type = VirtualServerTypes.PerformanceL4, Pool = "p", Profiles = [], Persistence = "src" },
            ],
        };
        _pools = new TestPools(config, _clock);
        _balancer = new FlowBalancer(_pools.Runtime, _pools.State, new BalancingSelector(_persistence));
    }

    private static FlowRequest Flow(string virtualName, string client, int port = 40000) => new(virtualName, IPAddress.Parse(client), port);

    [Fact]
    public void Pick_UsesThePoolMethod_AndPersistenceByClientAddress()
    {
        var a = _balancer.Pick(Flow("plain", "198.51.100.1"))!;
        var b = _balancer.Pick(Flow("plain", "198.51.100.1"))!;
        Assert.NotEqual(a.Key, b.Key);

        var first = _balancer.Pick(Flow("sticky", "198.51.100.7", 1000))!;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first.Key, _balancer.Pick(Flow("sticky", "198.51.100.7", 2000 + i))!.Key);
        }
        Assert.Single(_persistence.List("sticky"));
        Assert.Null(_balancer.Pick(Flow("nope", "198.51.100.7")));
    }

    [Fact]
    public void Flows_CountAsConnections_AndMemberDownIsRaised_AndAvoided()
    {
        var members = _pools.Pool().Members;
        IFlowMember flowMember = members[0];
        flowMember.FlowOpened();
        Assert.Equal(1, members[0].CurrentConnections);
        flowMember.FlowClosed();
        Assert.Equal(0, members[0].CurrentConnections);

        var down = new List<string>();
        _balancer.MemberDown += m => down.Add(m.Key);
        members[1].SetHealth(new MemberHealth(HealthStatus.Down, "test", _clock.GetUtcNow()));
        Assert.Equal([members[1].Key], down);
        Assert.False(((IFlowMember)members[1]).IsUp);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(members[0].Key, _balancer.Pick(Flow("plain", "198.51.100.1"))!.Key);
        }
    }
}
