using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Fulcrum.Tests.Balancing.Proxy;

/// <summary>
/// Load-balancing methods measured through the proxy with real clients. Requests go over keep-alive client
/// connections to an L7 virtual with OneConnect, so every request is balanced on its own (per-request picks).
/// </summary>
public sealed class DistributionProxyTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;
    private readonly ITestOutputHelper _out;

    public DistributionProxyTests(ApplianceFixture f, ITestOutputHelper output)
    {
        _f = f;
        _out = output;
    }

    private static async Task<LbBackend[]> StartAsync(string prefix, int n)
    {
        var list = new LbBackend[n];
        for (var i = 0; i < n; i++)
        {
            list[i] = await LbBackend.StartAsync($"{prefix}{i}");
        }
        return list;
    }

    private static async Task StopAsync(IEnumerable<LbBackend> backends)
    {
        foreach (var b in backends)
        {
            await b.DisposeAsync();
        }
    }

    private static HttpClient KeepAliveClient() => new(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 8 }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Sends <paramref name="count"/> requests over 8 keep-alive connections; returns answers per member name.</summary>
    private static async Task<Dictionary<string, int>> SendAsync(HttpClient client, int port, int count, Func<int, string?>? key = null, Dictionary<int, string>? byKey = null)
    {
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var request = LbApi.Get(port, close: false);
                if (key?.Invoke(i) is { } k)
                {
                    request.Headers.Add("X-Key", k);
                }
                using var response = await client.SendAsync(request);
                var who = await response.Content.ReadAsStringAsync();
                counts.AddOrUpdate(who, 1, (_, n) => n + 1);
                if (byKey is not null)
                {
                    lock (byKey)
                    {
                        byKey[i] = who;
                    }
                }
            }
        }));
        return new Dictionary<string, int>(counts);
    }

    [Fact]
    public async Task Ratio3To1_GivesThreeQuartersOf4000Requests()
    {
        var be = await StartAsync("rt-", 2);
        try
        {
            await _f.Admin.PoolJsonAsync("rt", [$"\"port\":{be[0].Port},\"ratio\":3", $"\"port\":{be[1].Port},\"ratio\":1"], ",\"loadBalancingMode\":\"ratio\"");
            var port = await _f.Admin.VirtualAsync("rt", "rt", "\"tcp\",\"http\",\"oneconnect\"");
            using var client = KeepAliveClient();
            var counts = await SendAsync(client, port, 4000);
            var share = counts.GetValueOrDefault("rt-0") / 4000.0;
            _out.WriteLine($"ratio 3:1 over 4000 requests: {counts.GetValueOrDefault("rt-0")} / {counts.GetValueOrDefault("rt-1")} = {share:P2}");
            Assert.InRange(share, 0.72, 0.78);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    /// <summary>Opens <paramref name="n"/> requests that the members hold, one client connection each (L4 and L7 alike pick per connection here).</summary>
    private static async Task<List<Task<string>>> HoldAsync(HttpClient client, int port, int n, int ms)
    {
        var tasks = new List<Task<string>>();
        for (var i = 0; i < n; i++)
        {
            tasks.Add(client.WhoAsync(port, $"/hold/{ms}"));
            await Task.Delay(30); // let each connection be counted before the next pick
        }
        return tasks;
    }

    [Theory]
    [InlineData("least-connections", 1, 6, 6)]
    [InlineData("weighted-least-connections", 3, 9, 3)]
    public async Task LeastConnections_HeldConnectionsSpreadByWeight(string mode, int ratio0, int expected0, int expected1)
    {
        var name = mode == "least-connections" ? "lc" : "wlc";
        var be = await StartAsync(name + "-", 2);
        try
        {
            await _f.Admin.PoolJsonAsync(name, [$"\"port\":{be[0].Port},\"ratio\":{ratio0}", $"\"port\":{be[1].Port}"], $",\"loadBalancingMode\":\"{mode}\"");
            var port = await _f.Admin.VirtualAsync(name, name, "\"tcp\"");
            using var client = LbApi.FreshClient();
            var held = await HoldAsync(client, port, 12, 2000);
            var open = (be[0].Open, be[1].Open);
            _out.WriteLine($"{mode}, ratio {ratio0}:1, 12 held connections: {open.Item1} / {open.Item2}");
            Assert.Equal((expected0, expected1), open);
            await Task.WhenAll(held);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    /// <summary>
    /// Six server connections to member 0 are left idle (OneConnect pool, or closed without it) while member 1 is
    /// disabled; then 12 held requests arrive with both enabled. Least connections counts connections carrying a request,
    /// so the idle pool does not push the held requests to member 1: 6 / 6 either way (counting idle ones gave 3 / 9).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LeastConnections_IdlePooledConnectionsAreNotLoad(bool oneConnect)
    {
        var name = oneConnect ? "lcidle-oc" : "lcidle";
        var be = await StartAsync(name + "-", 2);
        try
        {
            await _f.Admin.PoolJsonAsync(name, [$"\"port\":{be[0].Port}", $"\"port\":{be[1].Port}"], ",\"loadBalancingMode\":\"least-connections\"");
            var port = await _f.Admin.VirtualAsync(name, name, oneConnect ? "\"tcp\",\"http\",\"oneconnect\"" : "\"tcp\",\"http\"");
            using var client = LbApi.FreshClient();
            await _f.Admin.MemberStateAsync(name, be[1].Port, "disabled");
            var warm = await HoldAsync(client, port, 6, 300);
            Assert.All(await Task.WhenAll(warm), who => Assert.Equal(name + "-0", who));
            await _f.Admin.MemberStateAsync(name, be[1].Port, "enabled");
            if (oneConnect)
            {
                var pool = await _f.Admin.PoolStatusAsync(name);
                var m0 = pool.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("port").GetInt32() == be[0].Port);
                Assert.Equal(6, m0.GetProperty("currentConnections").GetInt64()); // idle in the pool, still open
            }

            var held = await HoldAsync(client, port, 12, 3000);
            // The last held request may still be on its way to its member: wait until all 12 are there.
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (be[0].Open + be[1].Open < 12 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
            var open = (be[0].Open, be[1].Open);
            _out.WriteLine($"least-connections, oneConnect {oneConnect}, 6 idle on member 0, then 12 held: {open.Item1} / {open.Item2}");
            Assert.Equal((6, 6), open);
            await Task.WhenAll(held);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    /// <summary>
    /// The issue's case in a form that cannot be timing-dependent: weighted least connections over ratios 1/1/2, twelve
    /// connections left idle on the ratio-2 member (OneConnect keeps them; without it they close), then 12 held
    /// requests. Counting connections that carry a request, the held ones follow the ratio, 3 / 3 / 6; counting the idle
    /// pool sent them all to the ratio-1 members (6 / 6 / 0), as it froze 600 requests at 11 / 13 / 576.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WeightedLeastConnections_IdlePoolOnTheBigMember_HeldRequestsFollowTheRatio(bool oneConnect)
    {
        var name = oneConnect ? "wlcidle-oc" : "wlcidle";
        var be = await StartAsync(name + "-", 3);
        try
        {
            await _f.Admin.PoolJsonAsync(name, [$"\"port\":{be[0].Port}", $"\"port\":{be[1].Port}", $"\"port\":{be[2].Port},\"ratio\":2"], ",\"loadBalancingMode\":\"weighted-least-connections\"");
            var port = await _f.Admin.VirtualAsync(name, name, oneConnect ? "\"tcp\",\"http\",\"oneconnect\"" : "\"tcp\",\"http\"");
            using var client = LbApi.FreshClient();
            await _f.Admin.MemberStateAsync(name, be[0].Port, "disabled");
            await _f.Admin.MemberStateAsync(name, be[1].Port, "disabled");
            Assert.All(await Task.WhenAll(await HoldAsync(client, port, 12, 600)), who => Assert.Equal(name + "-2", who));
            await _f.Admin.MemberStateAsync(name, be[0].Port, "enabled");
            await _f.Admin.MemberStateAsync(name, be[1].Port, "enabled");

            var held = await HoldAsync(client, port, 12, 3000);
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (be.Sum(b => b.Open) < 12 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
            var open = (be[0].Open, be[1].Open, be[2].Open);
            _out.WriteLine($"weighted-least-connections 1/1/2, oneConnect {oneConnect}, 12 idle on the ratio-2 member, then 12 held: {open}");
            Assert.Equal((3, 3, 6), open);
            await Task.WhenAll(held);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task ConsistentHash_OnAHeader_AJoiningMemberMovesAboutItsShare()
    {
        var be = await StartAsync("ch-", 5);
        try
        {
            const int Keys = 2000;
            await _f.Admin.PoolJsonAsync("ch", be.Take(4).Select(b => $"\"port\":{b.Port}"), ",\"loadBalancingMode\":\"consistent-hash\",\"hashKey\":\"header:X-Key\"");
            var port = await _f.Admin.VirtualAsync("ch", "ch", "\"tcp\",\"http\",\"oneconnect\"");
            using var client = KeepAliveClient();
            var before = new Dictionary<int, string>();
            await SendAsync(client, port, Keys, i => "user-" + i, before);
            var again = new Dictionary<int, string>();
            await SendAsync(client, port, Keys, i => "user-" + i, again);
            Assert.Equal(before, again); // stable
            await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/pools/ch/members", $$"""{"address":"127.0.0.1","port":{{be[4].Port}}}"""));
            var after = new Dictionary<int, string>();
            await SendAsync(client, port, Keys, i => "user-" + i, after);
            var moved = before.Count(kv => after[kv.Key] != kv.Value);
            var toNew = after.Count(kv => kv.Value == "ch-4");
            _out.WriteLine($"consistent-hash, 4 → 5 members, {Keys} keys: moved {moved} ({moved * 100.0 / Keys:F1}%), of them to the new member: {toNew}");
            Assert.InRange(moved, 1, Keys * (1.0 / 5 + 0.05));
            Assert.True(toNew >= moved * 0.95, $"{moved - toNew} keys moved between old members"); // Maglev is near-minimal, not exactly
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task PriorityGroups_FailOverToTheLowerGroupAndComeBack()
    {
        var be = await StartAsync("pg-", 3);
        try
        {
            await _f.Admin.PoolJsonAsync("pg", [$"\"port\":{be[0].Port},\"priorityGroup\":10", $"\"port\":{be[1].Port},\"priorityGroup\":10", $"\"port\":{be[2].Port},\"priorityGroup\":1"], ",\"minActiveMembers\":2");
            var port = await _f.Admin.VirtualAsync("pg", "pg", "\"tcp\",\"http\",\"oneconnect\"");
            using var client = KeepAliveClient();
            Assert.DoesNotContain("pg-2", (await SendAsync(client, port, 40)).Keys);
            // One high member out: the high group holds 1 < 2, so the low group joins it.
            await _f.Admin.MemberStateAsync("pg", be[0].Port, "forced-offline");
            var failover = await SendAsync(client, port, 40);
            Assert.Equal(["pg-1", "pg-2"], failover.Keys.Order());
            await _f.Admin.MemberStateAsync("pg", be[0].Port, "enabled");
            Assert.Equal(["pg-0", "pg-1"], (await SendAsync(client, port, 40)).Keys.Order());
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task MemberConnectionLimit_SpillsToTheOtherMember()
    {
        var be = await StartAsync("cl-", 2);
        try
        {
            await _f.Admin.PoolJsonAsync("cl", [$"\"port\":{be[0].Port},\"connectionLimit\":2,\"ratio\":10", $"\"port\":{be[1].Port}"], ",\"loadBalancingMode\":\"ratio\"");
            var port = await _f.Admin.VirtualAsync("cl", "cl", "\"tcp\"");
            using var client = LbApi.FreshClient();
            var held = await HoldAsync(client, port, 6, 1500);
            Assert.Equal(2, be[0].Open);
            Assert.Equal(4, be[1].Open);
            await Task.WhenAll(held);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task SlowRamp_AnEnabledMembersShareGrowsOverFourSeconds()
    {
        var be = await StartAsync("sr-", 2);
        try
        {
            // ratio: the ramping member's weight is max(1, 16 × elapsed / 4 s) against the other's 16.
            await _f.Admin.PoolJsonAsync("sr", [$"\"port\":{be[0].Port}", $"\"port\":{be[1].Port},\"state\":\"forced-offline\""], ",\"loadBalancingMode\":\"ratio\",\"slowRampTime\":4");
            var port = await _f.Admin.VirtualAsync("sr", "sr", "\"tcp\",\"http\",\"oneconnect\"");
            using var client = KeepAliveClient();
            Assert.Equal(["sr-0"], (await SendAsync(client, port, 20)).Keys);

            await _f.Admin.MemberStateAsync("sr", be[1].Port, "enabled");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            const int Windows = 6;
            var total = new int[Windows];
            var ramping = new int[Windows];
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                while (clock.Elapsed.TotalSeconds < Windows)
                {
                    using var request = LbApi.Get(port, close: false);
                    using var response = await client.SendAsync(request);
                    var who = await response.Content.ReadAsStringAsync();
                    var w = (int)clock.Elapsed.TotalSeconds;
                    if (w < Windows)
                    {
                        Interlocked.Increment(ref total[w]);
                        if (who == "sr-1")
                        {
                            Interlocked.Increment(ref ramping[w]);
                        }
                    }
                    await Task.Delay(4); // a modest load: a few hundred requests a second
                }
            }));
            var shares = Enumerable.Range(0, Windows).Select(w => ramping[w] / (double)Math.Max(1, total[w])).ToArray();
            _out.WriteLine("slow ramp 4 s, ratio 1:1, share of the enabled member per 1 s window: "
                + string.Join(", ", Enumerable.Range(0, Windows).Select(w => $"{shares[w]:P1} of {total[w]}")));
            Assert.All(total, t => Assert.True(t >= 20, $"too few requests in a window: {string.Join(",", total)}"));
            Assert.InRange(shares[0], 0, 0.25);               // ideal ≈ 9% (weight 1–4 of 16)
            Assert.InRange(shares[Windows - 1], 0.42, 0.58);  // ramp over: full share 50%
            Assert.True(shares[2] > shares[0], "the share did not grow");
            Assert.True(shares[Windows - 1] > shares[0] + 0.2, "the share did not grow");
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task PowerOfTwo_HasALowerMaxLoadThanRandom_200HeldConnectionsOver8Members()
    {
        const int Members = 8, Connections = 200;
        var p2c = await StartAsync("p2c-", Members);
        var rnd = await StartAsync("rnd-", Members);
        try
        {
            await _f.Admin.PoolJsonAsync("p2c", p2c.Select(b => $"\"port\":{b.Port}"), ",\"loadBalancingMode\":\"power-of-two\"");
            await _f.Admin.PoolJsonAsync("rnd", rnd.Select(b => $"\"port\":{b.Port}"), ",\"loadBalancingMode\":\"random\"");
            var p2cPort = await _f.Admin.VirtualAsync("p2c", "p2c", "\"tcp\"");
            var rndPort = await _f.Admin.VirtualAsync("rnd", "rnd", "\"tcp\"");
            using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseCookies = false, MaxConnectionsPerServer = 2 * Connections })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
            // Both pools filled side by side, one L4 connection (one pick) at a time each; held 9 s.
            var held = await Task.WhenAll(HoldManyAsync(client, p2cPort, Connections), HoldManyAsync(client, rndPort, Connections));
            await Task.Delay(300);
            var p2cOpen = p2c.Select(b => b.Open).ToArray();
            var rndOpen = rnd.Select(b => b.Open).ToArray();
            _out.WriteLine($"power-of-two, {Connections} held over {Members}: [{string.Join(", ", p2cOpen)}] max {p2cOpen.Max()}");
            _out.WriteLine($"random,       {Connections} held over {Members}: [{string.Join(", ", rndOpen)}] max {rndOpen.Max()}");
            Assert.Equal(Connections, p2cOpen.Sum());
            Assert.Equal(Connections, rndOpen.Sum());
            // Strictly lower in this run's figures (26 vs 31); asserted as "not higher" because random's max lands at
            // 25–26 in a few percent of runs. The spread (sum of squared deviations from the mean) is the strict check.
            Assert.True(p2cOpen.Max() <= rndOpen.Max(), $"p2c max {p2cOpen.Max()} above random max {rndOpen.Max()}");
            static double Spread(int[] open) => open.Sum(o => Math.Pow(o - open.Average(), 2));
            _out.WriteLine($"spread (sum of squared deviations): power-of-two {Spread(p2cOpen):F0}, random {Spread(rndOpen):F0}");
            Assert.True(Spread(p2cOpen) < Spread(rndOpen));
            Assert.InRange(p2cOpen.Max(), Connections / Members, Connections / Members + 4);
            await Task.WhenAll(held.SelectMany(t => t));
        }
        finally
        {
            await StopAsync(p2c);
            await StopAsync(rnd);
        }
    }

    private static async Task<List<Task<string>>> HoldManyAsync(HttpClient client, int port, int n)
    {
        var tasks = new List<Task<string>>();
        for (var i = 0; i < n; i++)
        {
            tasks.Add(client.WhoAsync(port, "/hold/9000"));
            await Task.Delay(15);
        }
        return tasks;
    }

    [Fact]
    public async Task MinActiveMembers_TwoAndTwo_TheLowGroupJoinsOnlyWhileTheHighGroupHasFewerThanTwo()
    {
        var be = await StartAsync("ma-", 4);
        try
        {
            await _f.Admin.PoolJsonAsync("ma", [
                $"\"port\":{be[0].Port},\"priorityGroup\":10", $"\"port\":{be[1].Port},\"priorityGroup\":10",
                $"\"port\":{be[2].Port},\"priorityGroup\":0", $"\"port\":{be[3].Port},\"priorityGroup\":0"], ",\"minActiveMembers\":2");
            var port = await _f.Admin.VirtualAsync("ma", "ma", "\"tcp\",\"http\",\"oneconnect\"");
            using var client = KeepAliveClient();
            var up = await SendAsync(client, port, 60);
            Assert.Equal(["ma-0", "ma-1"], up.Keys.Order());

            await _f.Admin.MemberStateAsync("ma", be[1].Port, "forced-offline");
            var joined = await SendAsync(client, port, 90);
            _out.WriteLine($"min active 2, one of two high members forced offline: {string.Join(", ", joined.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
            Assert.Equal(["ma-0", "ma-2", "ma-3"], joined.Keys.Order());

            await _f.Admin.MemberStateAsync("ma", be[1].Port, "enabled");
            Assert.Equal(["ma-0", "ma-1"], (await SendAsync(client, port, 60)).Keys.Order());
        }
        finally
        {
            await StopAsync(be);
        }
    }
}
