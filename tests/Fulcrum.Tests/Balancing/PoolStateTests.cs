using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing;

public sealed class PoolStateTests
{
    private static TestPools Pools(params PoolMember[] members) => Pools(p => p, members);

    private static TestPools Pools(Func<Pool, Pool> edit, params PoolMember[] members) =>
        new(FulcrumConfig.Default with { Pools = [edit(new Pool { Name = "p", Members = [.. members] })] }, new FakeClock(), new SeededRandom(1));

    [Theory]
    [InlineData(MemberStates.Disabled)]
    [InlineData(MemberStates.ForcedOffline)]
    public void Pick_MemberNotEnabled_NeverPicked(string state)
    {
        var pool = Pools(TestPools.Member(0), TestPools.Member(1, state: state), TestPools.Member(2)).Pool();
        Assert.Equal(0, TestPools.Count(pool, 100)[1]);
        Assert.False(pool.Members[1].IsSelectable);
        Assert.Equal(state == MemberStates.Disabled, pool.Members[1].IsActive);
    }

    [Theory]
    [InlineData(MemberStates.Disabled, MemberAdminState.Disabled)]
    [InlineData(MemberStates.ForcedOffline, MemberAdminState.ForcedOffline)]
    public void Pick_NodeNotEnabled_AppliesToEveryMemberAtItsAddress(string state, MemberAdminState expected)
    {
        var config = FulcrumConfig.Default with
        {
            Nodes = [new Node { Name = "n1", Address = "10.0.0.2", State = state }],
            Pools =
            [
                new Pool { Name = "p", Members = [TestPools.Member(0), TestPools.Member(1), TestPools.Member(1) with { Port = 81 }] },
                new Pool { Name = "q", Members = [TestPools.Member(1) with { State = MemberStates.ForcedOffline }] },
            ],
        };
        var tp = new TestPools(config);
        var pool = tp.Pool();
        Assert.Equal([MemberAdminState.Enabled, expected, expected], pool.Members.Select(m => m.AdminState).ToArray());
        Assert.Equal([100, 0, 0], TestPools.Count(pool, 100));
        // The stricter of node and member wins.
        Assert.Equal(MemberAdminState.ForcedOffline, tp.Pool("q").Members[0].AdminState);

        tp.Publish(config with { Nodes = [] });
        Assert.Equal(MemberAdminState.Enabled, tp.Pool().Members[1].AdminState);
    }

    [Fact]
    public void Pick_MemberAtConnectionLimit_Skipped()
    {
        var pool = Pools(TestPools.Member(0, limit: 2), TestPools.Member(1)).Pool();
        pool.Members[0].ConnectionOpened();
        pool.Members[0].ConnectionOpened();
        Assert.Equal([0, 50], TestPools.Count(pool, 50));
        pool.Members[0].ConnectionClosed();
        Assert.True(pool.Members[0].IsSelectable);
    }

    [Fact]
    public void Pick_EveryMemberFull_ReturnsNull()
    {
        var pool = Pools(TestPools.Member(0, limit: 1)).Pool();
        pool.Pick(default)!.ConnectionOpened();
        Assert.Null(pool.Pick(default));
    }

    [Fact]
    public void Pick_Exclude_PicksAnother()
    {
        var pool = Pools(TestPools.Member(0), TestPools.Member(1)).Pool();
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(pool.Members[1], pool.Pick(new PickContext(null, null, pool.Members[0])));
        }
    }

    [Fact]
    public void PriorityGroups_HighestGroupDown_FailsOverAndComesBack()
    {
        var pool = Pools(p => p with { MinActiveMembers = 1 },
            TestPools.Member(0, priorityGroup: 10), TestPools.Member(1, priorityGroup: 10), TestPools.Member(2, priorityGroup: 5)).Pool();
        Assert.Equal([50, 50, 0], TestPools.Count(pool, 100));
        pool.Members[0].SetHealth(TestPools.Down);
        Assert.Equal([0, 100, 0], TestPools.Count(pool, 100));
        pool.Members[1].SetHealth(TestPools.Down);
        Assert.Equal([0, 0, 100], TestPools.Count(pool, 100));
        pool.Members[0].SetHealth(TestPools.Up);
        Assert.Equal([100, 0, 0], TestPools.Count(pool, 100));
    }

    [Fact]
    public void MinActiveMembers_TopGroupShort_GathersLowerGroupsUntilEnough()
    {
        var pool = Pools(p => p with { MinActiveMembers = 2 },
            TestPools.Member(0, priorityGroup: 10), TestPools.Member(1, priorityGroup: 10),
            TestPools.Member(2, priorityGroup: 5), TestPools.Member(3, priorityGroup: 1)).Pool();
        Assert.Equal([50, 50, 0, 0], TestPools.Count(pool, 100));
        pool.Members[1].SetHealth(TestPools.Down);
        // One left in group 10: group 5 joins (1 + 1 = 2), group 1 stays out.
        Assert.Equal([50, 0, 50, 0], TestPools.Count(pool, 100));
        pool.Members[2].ConnectionOpened();
        pool.Members[2].ConnectionOpened();
        Assert.Equal([50, 0, 50, 0], TestPools.Count(pool, 100));
    }

    [Fact]
    public void MinActiveMembers_MemberFull_CountsAsUnavailable()
    {
        var pool = Pools(p => p with { MinActiveMembers = 1 },
            TestPools.Member(0, priorityGroup: 10, limit: 1), TestPools.Member(1, priorityGroup: 0)).Pool();
        Assert.Same(pool.Members[0], pool.Pick(default));
        pool.Members[0].ConnectionOpened();
        Assert.Same(pool.Members[1], pool.Pick(default));
    }

    [Fact]
    public void MinActiveMembers_Zero_IgnoresGroups()
    {
        var pool = Pools(TestPools.Member(0, priorityGroup: 10), TestPools.Member(1, priorityGroup: 0)).Pool();
        Assert.Equal([50, 50], TestPools.Count(pool, 100));
    }

    [Fact]
    public void SlowRamp_WeightedMethod_ShareGrowsLinearly()
    {
        var clock = new FakeClock();
        var tp = new TestPools(FulcrumConfig.Default with
        {
            Pools = [new Pool { Name = "p", LoadBalancingMode = LoadBalancingModes.Ratio, SlowRampTime = 100, Members = [TestPools.Member(0), TestPools.Member(1)] }],
        }, clock);
        var pool = tp.Pool();
        pool.Members[0].SetHealth(TestPools.Up);
        clock.Advance(TimeSpan.FromSeconds(1000));
        pool.Members[1].SetHealth(TestPools.Up);
        var shares = new List<double>();
        foreach (var step in new[] { 0, 25, 25, 50 })
        {
            clock.Advance(TimeSpan.FromSeconds(step));
            shares.Add(TestPools.Count(pool, 3200)[1] / 3200.0);
        }
        // Weights 16 : max(1, 16 × t/100): shares 1/17, 4/20, 8/24, 16/32.
        Assert.InRange(shares[0], 0.05, 0.07);
        Assert.InRange(shares[1], 0.19, 0.21);
        Assert.InRange(shares[2], 0.32, 0.34);
        Assert.InRange(shares[3], 0.49, 0.51);
    }

    [Fact]
    public void SlowRamp_UnweightedMethod_SkipsWithProbability()
    {
        var clock = new FakeClock();
        var tp = new TestPools(FulcrumConfig.Default with
        {
            Pools = [new Pool { Name = "p", LoadBalancingMode = LoadBalancingModes.RoundRobin, SlowRampTime = 60, Members = [TestPools.Member(0), TestPools.Member(1)] }],
        }, clock, new SeededRandom(9));
        var pool = tp.Pool();
        pool.Members[1].SetHealth(TestPools.Up);
        clock.Advance(TimeSpan.FromSeconds(15));
        // Taken on a quarter of its turns: 0.5 × 0.25 of the picks, the rest to member 0.
        Assert.InRange(TestPools.Count(pool, 4000)[1] / 4000.0, 0.10, 0.16);
        clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(2000, TestPools.Count(pool, 4000)[1]);
    }

    [Fact]
    public void SlowRamp_MemberReEnabled_RampsAgain()
    {
        var clock = new FakeClock();
        var config = FulcrumConfig.Default with
        {
            Pools = [new Pool { Name = "p", LoadBalancingMode = LoadBalancingModes.Ratio, SlowRampTime = 10, Members = [TestPools.Member(0), TestPools.Member(1, state: MemberStates.Disabled)] }],
        };
        var tp = new TestPools(config, clock);
        Assert.Equal(MemberState.NotRamping, tp.Pool().Members[1].UpSinceTimestamp);
        tp.Publish(config with { Pools = [config.Pools[0] with { Members = [TestPools.Member(0), TestPools.Member(1)] }] });
        Assert.Equal(0, tp.Pool().Members[1].RampShare(10));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0.5, tp.Pool().Members[1].RampShare(10), 3);
    }

    [Fact]
    public void ServiceDown_MemberGoesDown_RaisesEventAndCancelsToken()
    {
        var pool = Pools(p => p with { ServiceDownAction = ServiceDownActions.Reselect, ReselectTries = 3 }, TestPools.Member(0), TestPools.Member(1)).Pool();
        Assert.Equal(ServiceDownAction.Reselect, pool.ServiceDownAction);
        Assert.Equal(3, pool.ReselectTries);
        var member = pool.Members[0];
        member.SetHealth(TestPools.Up);
        var token = member.DownToken;
        MemberState? wentDown = null;
        member.WentDown += m => wentDown = m;
        member.SetHealth(TestPools.Down);
        Assert.True(token.IsCancellationRequested);
        Assert.Same(member, wentDown);
        Assert.False(member.DownToken.IsCancellationRequested);
        // A second "down" report is not a new transition.
        wentDown = null;
        member.SetHealth(TestPools.Down);
        Assert.Null(wentDown);
    }

    [Fact]
    public void Reconcile_UnrelatedChange_KeepsMembersAndMethodPosition()
    {
        var tp = TestPools.Of(LoadBalancingModes.RoundRobin, [1, 1, 1]);
        var before = tp.Pool();
        Assert.Same(before.Members[0], before.Pick(default));
        before.Members[0].ConnectionOpened();
        tp.Publish(tp.Config with { Pools = [.. tp.Config.Pools, new Pool { Name = "other" }] });
        var after = tp.Pool();
        Assert.NotSame(before, after);
        Assert.Same(before.Members[0], after.Members[0]);
        Assert.Equal(1, after.Members[0].CurrentConnections);
        Assert.Same(after.Members[1], after.Pick(default));
    }

    [Fact]
    public void Pick_SomeMembersUnselectable_AllocatesNothing()
    {
        var pool = Pools(TestPools.Member(0, state: MemberStates.Disabled), TestPools.Member(1), TestPools.Member(2)).Pool();
        pool.Pick(default);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            pool.Pick(default);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
