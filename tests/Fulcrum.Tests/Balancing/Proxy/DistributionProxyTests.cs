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
}
