using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Methods;
using Fulcrum.Appliance.Config.Model;
using Xunit.Abstractions;

namespace Fulcrum.Tests.Balancing;

public sealed class ConsistentHashTests(ITestOutputHelper output)
{
    private const int Keys = 10_000;

    private static string[] MemberKeys(int n) => [.. Enumerable.Range(0, n).Select(i => $"10.0.0.{1 + i}:80")];

    private static ulong KeyHash(int k) => StableHash.Of($"session-{k}");

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(20)]
    public void Maglev_MemberJoins_RemapsAtMostOneOverNPlus5Percent(int n)
    {
        var before = MaglevTable.Build(MemberKeys(n), Enumerable.Repeat(1, n).ToArray());
        var after = MaglevTable.Build(MemberKeys(n + 1), Enumerable.Repeat(1, n + 1).ToArray());
        var moved = Enumerable.Range(0, Keys).Count(k => before.Lookup(KeyHash(k)) != after.Lookup(KeyHash(k)));
        Assert.True(moved <= Keys * (1.0 / (n + 1) + 0.05), $"{moved} of {Keys} moved");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(20)]
    public void Maglev_MemberLeaves_RemapsAtMostOneOverNPlus5Percent(int n)
    {
        var keys = MemberKeys(n);
        var before = MaglevTable.Build(keys, Enumerable.Repeat(1, n).ToArray());
        var remaining = keys.Where((_, i) => i != n / 2).ToArray();
        var after = MaglevTable.Build(remaining, Enumerable.Repeat(1, n - 1).ToArray());
        var moved = Enumerable.Range(0, Keys).Count(k => keys[before.Lookup(KeyHash(k))] != remaining[after.Lookup(KeyHash(k))]);
        Assert.True(moved <= Keys * (1.0 / n + 0.05), $"{moved} of {Keys} moved");
    }

    [Fact]
    public void Maglev_TenMembers_SpreadWithin10PercentOfMean()
    {
        var table = MaglevTable.Build(MemberKeys(10), Enumerable.Repeat(1, 10).ToArray());
        var counts = new int[10];
        for (var k = 0; k < 100_000; k++)
        {
            counts[table.Lookup(KeyHash(k))]++;
        }
        // Each member owns 65537/10 slots to within one; what is left is the keys' own sampling noise (~1%).
        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
    }

    [Fact]
    public void Maglev_Ratio_SharesSlotsByRatio()
    {
        var table = MaglevTable.Build(MemberKeys(2), [3, 1]);
        var first = Enumerable.Range(0, table.Size).Count(s => table.OwnerAt(s) == 0);
        Assert.InRange(first / (double)table.Size, 0.749, 0.751);
    }

    /// <summary>The figures in docs/BALANCING.md: Maglev against a 160-point ring and jump hash, 10 → 11 → 10 members.</summary>
    [Fact]
    public void Measure_MaglevRingJump_RemapAndSpread()
    {
        const int n = 10;
        const int keys = 100_000;
        var all = MemberKeys(n + 1);
        var ten = all[..n];
        var ones = Enumerable.Repeat(1, n + 1).ToArray();
        (int Joined, int Left, double MaxOverMean) Measure(Func<string[], Func<ulong, string>> build)
        {
            var a = build(ten);
            var b = build(all);
            var c = build([.. all.Where((_, i) => i != 3)]);
            int joined = 0, left = 0;
            var counts = new Dictionary<string, int>();
            for (var k = 0; k < keys; k++)
            {
                var h = KeyHash(k);
                var owner = a(h);
                counts[owner] = counts.GetValueOrDefault(owner) + 1;
                joined += owner != b(h) ? 1 : 0;
                left += b(h) != c(h) ? 1 : 0;
            }
            return (joined, left, counts.Values.Max() / (keys / (double)n));
        }
        var maglev = Measure(m => { var t = MaglevTable.Build(m, ones[..m.Length]); return h => m[t.Lookup(h)]; });
        var ring = Measure(m => { var r = HashRing.Build(m, ones[..m.Length]); return h => m[r.Lookup(h)]; });
        var jump = Measure(m => h => m[Jump(h, m.Length)]);
        output.WriteLine($"keys {keys}, 10 -> 11 members (ideal move {keys / 11}), 11 -> 10 by removing member 3 (ideal {keys / 11})");
        output.WriteLine($"maglev  joined {maglev.Joined}  left {maglev.Left}  max/mean {maglev.MaxOverMean:F3}");
        output.WriteLine($"ring160 joined {ring.Joined}  left {ring.Left}  max/mean {ring.MaxOverMean:F3}");
        output.WriteLine($"jump    joined {jump.Joined}  left {jump.Left}  max/mean {jump.MaxOverMean:F3}");
        Assert.True(maglev.MaxOverMean < ring.MaxOverMean);
        Assert.True(maglev.Left < jump.Left, "jump hash cannot remove a member from the middle cheaply");
    }

    /// <summary>Lamping and Veach's jump consistent hash, for the comparison only.</summary>
    private static int Jump(ulong key, int buckets)
    {
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = key * 2862933555777941757UL + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }

    [Fact]
    public void Pick_MemberDown_OnlyItsKeysMoveAndComeBack()
    {
        var pool = TestPools.Of(LoadBalancingModes.ConsistentHash, Enumerable.Repeat(1, 8).ToArray()).Pool();
        PickContext Ctx(int k) => new(null, $"user-{k}");
        var before = Enumerable.Range(0, Keys).Select(k => pool.Pick(Ctx(k))!).ToArray();
        var down = pool.Members[2];
        down.SetHealth(TestPools.Down);
        var during = Enumerable.Range(0, Keys).Select(k => pool.Pick(Ctx(k))!).ToArray();
        for (var k = 0; k < Keys; k++)
        {
            if (before[k] != down)
            {
                Assert.Same(before[k], during[k]);
            }
            Assert.NotSame(down, during[k]);
        }
        down.SetHealth(TestPools.Up);
        Assert.Equal(before, Enumerable.Range(0, Keys).Select(k => pool.Pick(Ctx(k))!).ToArray());
    }

    [Fact]
    public void Pick_NoHashKey_FallsBackToClientAddress()
    {
        var pool = TestPools.Of(LoadBalancingModes.ConsistentHash, [1, 1, 1, 1]).Pool();
        var client = IPAddress.Parse("198.51.100.7");
        var byAddress = pool.Pick(new PickContext(client));
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(byAddress, pool.Pick(new PickContext(client)));
        }
        var keyed = Enumerable.Range(0, 200).Select(k => pool.Pick(new PickContext(client, $"k{k}"))).Distinct().Count();
        Assert.Equal(4, keyed);
    }

    [Fact]
    public void Pick_UnrelatedConfigChange_KeepsTableAndKeys()
    {
        var pools = TestPools.Of(LoadBalancingModes.ConsistentHash, [1, 1, 1, 1, 1]);
        var before = Enumerable.Range(0, 500).Select(k => pools.Pool().Pick(new PickContext(null, $"k{k}"))!.Key).ToArray();
        pools.Publish(pools.Config with { Pools = [.. pools.Config.Pools, new Pool { Name = "other" }] });
        var after = Enumerable.Range(0, 500).Select(k => pools.Pool().Pick(new PickContext(null, $"k{k}"))!.Key).ToArray();
        Assert.Equal(before, after);
    }
}
