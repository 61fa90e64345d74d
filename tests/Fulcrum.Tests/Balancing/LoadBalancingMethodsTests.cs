using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing;

public sealed class LoadBalancingMethodsTests
{
    [Fact]
    public void Factory_EveryModeName_CreatesThatMethod()
    {
        foreach (var mode in LoadBalancingModes.All)
        {
            Assert.Equal(mode, LoadBalancingMethodFactory.Create(mode).Name);
        }
    }

    [Fact]
    public void RoundRobin_ThreeMembers_TakesTurns()
    {
        var pool = TestPools.Of(LoadBalancingModes.RoundRobin, [1, 1, 1]).Pool();
        var order = Enumerable.Range(0, 6).Select(_ => TestPools.IndexOf(pool, pool.Pick(default)!)).ToArray();
        Assert.Equal([0, 1, 2, 0, 1, 2], order);
    }

    [Fact]
    public void Ratio_ThreeToOne_Gives75PercentWithin3PercentOver4000Picks()
    {
        var counts = TestPools.Count(TestPools.Of(LoadBalancingModes.Ratio, [3, 1]).Pool(), 4000);
        Assert.InRange(counts[0] / 4000.0, 0.72, 0.78);
    }

    [Fact]
    public void Ratio_FiveOneOne_IsSmoothAsNginx()
    {
        var pool = TestPools.Of(LoadBalancingModes.Ratio, [5, 1, 1]).Pool();
        var names = "abc";
        var order = new string([.. Enumerable.Range(0, 14).Select(_ => names[TestPools.IndexOf(pool, pool.Pick(default)!)])]);
        // nginx's ngx_http_upstream_get_peer gives a a b a c a a for 5:1:1, period after period.
        Assert.Equal("aabacaaaabacaa", order);
    }

    [Fact]
    public void Ratio_MemberGoesDown_RestKeepTheirProportions()
    {
        var pool = TestPools.Of(LoadBalancingModes.Ratio, [5, 2, 1]).Pool();
        pool.Members[0].SetHealth(TestPools.Down);
        var counts = TestPools.Count(pool, 300);
        Assert.Equal([0, 200, 100], counts);
    }

    [Fact]
    public void LeastConnections_HeldConnections_PicksFewest()
    {
        var pool = TestPools.Of(LoadBalancingModes.LeastConnections, [1, 1, 1]).Pool();
        pool.Members[0].ConnectionOpened();
        pool.Members[0].ConnectionOpened();
        pool.Members[1].ConnectionOpened();
        Assert.Same(pool.Members[2], pool.Pick(default));
        TestPools.Count(pool, 297, hold: true);
        Assert.Equal([100, 100, 100], pool.Members.Select(m => m.CurrentConnections).ToArray());
    }

    [Fact]
    public void WeightedLeastConnections_HeldConnections_ProportionalToRatio()
    {
        var pool = TestPools.Of(LoadBalancingModes.WeightedLeastConnections, [3, 1]).Pool();
        TestPools.Count(pool, 400, hold: true);
        Assert.Equal([300, 100], pool.Members.Select(m => m.CurrentConnections).ToArray());
    }

    [Fact]
    public void WeightedLeastConnections_ShortConnections_TakeTurnsIgnoringRatio()
    {
        var counts = TestPools.Count(TestPools.Of(LoadBalancingModes.WeightedLeastConnections, [3, 1]).Pool(), 400);
        Assert.Equal([200, 200], counts);
    }

    [Fact]
    public void RatioLeastConnections_ShortConnections_FollowRatio()
    {
        var counts = TestPools.Count(TestPools.Of(LoadBalancingModes.RatioLeastConnections, [3, 1], random: new SeededRandom(7)).Pool(), 4000);
        Assert.InRange(counts[0] / 4000.0, 0.72, 0.78);
    }

    [Fact]
    public void RatioLeastConnections_HeldConnections_ProportionalToRatio()
    {
        var pool = TestPools.Of(LoadBalancingModes.RatioLeastConnections, [3, 1], random: new SeededRandom(3)).Pool();
        TestPools.Count(pool, 400, hold: true);
        Assert.Equal([300, 100], pool.Members.Select(m => m.CurrentConnections).ToArray());
    }

    [Fact]
    public void Fastest_OutstandingRequests_PicksFewest()
    {
        var pool = TestPools.Of(LoadBalancingModes.Fastest, [1, 1, 1]).Pool();
        pool.Members[0].RequestStarted();
        pool.Members[2].RequestStarted();
        pool.Members[2].RequestStarted();
        Assert.Same(pool.Members[1], pool.Pick(default));
        pool.Members[1].RequestStarted();
        pool.Members[1].RequestStarted();
        Assert.Same(pool.Members[0], pool.Pick(default));
    }

    [Fact]
    public void Observed_FewerConnections_GetProportionallyMore()
    {
        var clock = new FakeClock();
        var pool = TestPools.Of(LoadBalancingModes.Observed, [1, 1], clock, new SeededRandom(5)).Pool();
        for (var i = 0; i < 9; i++)
        {
            pool.Members[0].ConnectionOpened();
        }
        // weights 1024/(1+9) = 102 and 1024/(1+0) = 1024: the idle member gets 1024/1126 ≈ 91%.
        var counts = TestPools.Count(pool, 4000);
        Assert.InRange(counts[1] / 4000.0, 0.88, 0.94);
    }

    [Fact]
    public void Observed_SamplesOncePerSecond()
    {
        var clock = new FakeClock();
        var pool = TestPools.Of(LoadBalancingModes.Observed, [1, 1], clock, new SeededRandom(5)).Pool();
        pool.Pick(default);
        for (var i = 0; i < 9; i++)
        {
            pool.Members[0].ConnectionOpened();
        }
        Assert.InRange(TestPools.Count(pool, 2000)[0] / 2000.0, 0.45, 0.55);
        clock.Advance(TimeSpan.FromSeconds(1));
        // The moving average is now (0 + 9) / 2 = 4.5: weight 1024/5.5 = 186 against 1024.
        Assert.InRange(TestPools.Count(pool, 2000)[0] / 2000.0, 0.12, 0.19);
    }

    [Fact]
    public void Predictive_ImprovingMember_GetsMoreThanObserved()
    {
        var clock = new FakeClock();
        var observed = TestPools.Of(LoadBalancingModes.Observed, [1, 1], clock, new SeededRandom(5)).Pool();
        var predictive = TestPools.Of(LoadBalancingModes.Predictive, [1, 1], clock, new SeededRandom(5)).Pool();
        foreach (var pool in new[] { observed, predictive })
        {
            for (var i = 0; i < 8; i++)
            {
                pool.Members[0].ConnectionOpened();
                pool.Members[1].ConnectionOpened();
            }
            pool.Pick(default);
            for (var i = 0; i < 8; i++)
            {
                pool.Members[0].ConnectionClosed();
            }
        }
        clock.Advance(TimeSpan.FromSeconds(1));
        // Both members' averages: member 0 (8+0)/2 = 4 (falling from 8), member 1 8 (flat). Observed weights are
        // 1024/5 and 1024/9; predictive doubles member 0's ((1+8)/(1+4) = 1.8).
        var o = TestPools.Count(observed, 4000)[0] / 4000.0;
        var p = TestPools.Count(predictive, 4000)[0] / 4000.0;
        Assert.InRange(o, 0.61, 0.67);
        Assert.InRange(p, 0.74, 0.80);
    }

    [Fact]
    public void Random_ScriptedSource_PicksThoseMembers()
    {
        var pool = TestPools.Of(LoadBalancingModes.Random, [1, 1, 1, 1], random: new ScriptedRandom(3, 0, 2, 2, 1)).Pool();
        var order = Enumerable.Range(0, 5).Select(_ => TestPools.IndexOf(pool, pool.Pick(default)!)).ToArray();
        Assert.Equal([3, 0, 2, 2, 1], order);
    }

    [Fact]
    public void PowerOfTwo_ScriptedPair_TakesTheLessLoaded()
    {
        var pool = TestPools.Of(LoadBalancingModes.PowerOfTwo, [1, 1, 1, 1], random: new ScriptedRandom(1, 2)).Pool();
        pool.Members[1].ConnectionOpened();
        // Draws 1, then 2 of the three others (0, 2, 3) = member 3.
        Assert.Same(pool.Members[3], pool.Pick(default));
    }

    [Fact]
    public void PowerOfTwo_HeldConnections_BeatsRandomOnMaxLoad()
    {
        static int MaxLoad(string mode)
        {
            var pool = TestPools.Of(mode, Enumerable.Repeat(1, 50).ToArray(), random: new SeededRandom(11)).Pool();
            TestPools.Count(pool, 1000, hold: true);
            return pool.Members.Max(m => m.CurrentConnections);
        }
        var random = MaxLoad(LoadBalancingModes.Random);
        var two = MaxLoad(LoadBalancingModes.PowerOfTwo);
        // Mean 20 per member: one random choice overshoots by a good margin, two choices by a couple.
        Assert.True(two < random, $"power-of-two max {two}, random max {random}");
        Assert.InRange(two, 20, 24);
    }

    [Fact]
    public void SourceHash_SameClient_SameMember()
    {
        var pool = TestPools.Of(LoadBalancingModes.SourceHash, [1, 1, 1, 1]).Pool();
        var client = IPAddress.Parse("192.0.2.44");
        var first = pool.Pick(new PickContext(client));
        for (var i = 0; i < 20; i++)
        {
            Assert.Same(first, pool.Pick(new PickContext(client)));
        }
        var counts = TestPools.Count(pool, 4000, context: i => new PickContext(new IPAddress(BitConverter.GetBytes(0x0a000000 + i))));
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void LeastSessions_PersistenceRecords_PicksFewest()
    {
        var tp = TestPools.Of(LoadBalancingModes.LeastSessions, [1, 1]);
        var pool = tp.Pool();
        var persistence = new Appliance.Balancing.Persistence.PersistenceService(new FakeClock(), new() { CookieSecret = new byte[32] });
        var profile = new PersistenceProfile { Name = "u", Method = PersistenceMethods.Universal };
        persistence.Record("v", pool, profile, "k1", pool.Members[0]);
        persistence.Record("v", pool, profile, "k2", pool.Members[0]);
        Assert.Same(pool.Members[1], pool.Pick(default));
        persistence.Record("v", pool, profile, "k3", pool.Members[1]);
        persistence.Record("v", pool, profile, "k4", pool.Members[1]);
        persistence.Record("v", pool, profile, "k5", pool.Members[1]);
        Assert.Same(pool.Members[0], pool.Pick(default));
    }
}
