using System.Collections.Concurrent;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Fulcrum.Tests.Balancing.Proxy;

/// <summary>
/// Every load-balancing method on real connections through the proxy: 600 requests from 8 keep-alive clients to an
/// L7 virtual with OneConnect (one pick per request) over three members with ratios 1, 1 and 2, each request carrying
/// one of 40 keys in X-Key (the hash methods' key). What each method must show is stated per row; the measured
/// spread is printed.
/// </summary>
public sealed class EveryMethodProxyTests : IClassFixture<ApplianceFixture>
{
    private const int Requests = 600;
    private const int Keys = 40;

    private readonly ApplianceFixture _f;
    private readonly ITestOutputHelper _out;

    public EveryMethodProxyTests(ApplianceFixture f, ITestOutputHelper output)
    {
        _f = f;
        _out = output;
    }

    public enum Expect
    {
        /// <summary>Even thirds (within 5 points): the method ignores ratios.</summary>
        Even,
        /// <summary>25 / 25 / 50 % (within 6 points): the ratio-weighted schedule.</summary>
        Weighted,
        /// <summary>Every member answers some requests (load-driven methods: the spread depends on timing).</summary>
        Spread,
        /// <summary>A key always reaches the same member, and the keys spread over at least two members.</summary>
        Sticky,
    }

    [Theory]
    [InlineData("round-robin", Expect.Even)]
    [InlineData("ratio", Expect.Weighted)]
    [InlineData("least-connections", Expect.Spread)]
    [InlineData("weighted-least-connections", Expect.Spread)]
    [InlineData("ratio-least-connections", Expect.Spread)]
    [InlineData("fastest", Expect.Spread)]
    [InlineData("observed", Expect.Spread)]
    [InlineData("predictive", Expect.Spread)]
    [InlineData("least-sessions", Expect.Spread)]
    [InlineData("random", Expect.Spread)]
    [InlineData("power-of-two", Expect.Spread)]
    [InlineData("source-hash", Expect.Sticky)]
    [InlineData("consistent-hash", Expect.Sticky)]
    public async Task Method_DistributesRealRequests(string mode, Expect expect)
    {
        var name = "em-" + mode;
        var backends = new LbBackend[3];
        for (var i = 0; i < backends.Length; i++)
        {
            backends[i] = await LbBackend.StartAsync($"{name}-{i}");
        }
        try
        {
            await _f.Admin.PoolJsonAsync(name, [$"\"port\":{backends[0].Port},\"ratio\":1", $"\"port\":{backends[1].Port},\"ratio\":1", $"\"port\":{backends[2].Port},\"ratio\":2"],
                $",\"loadBalancingMode\":\"{mode}\",\"hashKey\":\"header:X-Key\"");
            var port = await _f.Admin.VirtualAsync(name, name, "\"tcp\",\"http\",\"oneconnect\"");

            var counts = new ConcurrentDictionary<string, int>();
            var byKey = new ConcurrentDictionary<int, ConcurrentDictionary<string, byte>>();
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 8 }) { Timeout = TimeSpan.FromSeconds(30) };
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Requests)
                {
                    using var request = LbApi.Get(port, close: false);
                    request.Headers.Add("X-Key", $"key-{i % Keys}");
                    using var response = await client.SendAsync(request);
                    Assert.True(response.IsSuccessStatusCode, $"{mode}: request {i} got {(int)response.StatusCode}");
                    var who = await response.Content.ReadAsStringAsync();
                    counts.AddOrUpdate(who, 1, (_, n) => n + 1);
                    byKey.GetOrAdd(i % Keys, _ => new()).TryAdd(who, 0);
                }
            }));

            var shares = backends.Select(b => counts.GetValueOrDefault(b.Name) / (double)Requests).ToArray();
            _out.WriteLine($"{mode}: {string.Join(" / ", backends.Select(b => counts.GetValueOrDefault(b.Name)))} (ratios 1/1/2)");
            Assert.Equal(Requests, counts.Values.Sum());
            switch (expect)
            {
                case Expect.Even:
                    Assert.All(shares, s => Assert.InRange(s, 1 / 3.0 - 0.05, 1 / 3.0 + 0.05));
                    break;
                case Expect.Weighted:
                    Assert.InRange(shares[0], 0.19, 0.31);
                    Assert.InRange(shares[1], 0.19, 0.31);
                    Assert.InRange(shares[2], 0.44, 0.56);
                    break;
                case Expect.Spread:
                    Assert.All(shares, s => Assert.True(s > 0, $"{mode} left a member without requests"));
                    break;
                case Expect.Sticky:
                    Assert.All(byKey, k => Assert.True(k.Value.Count == 1, $"{mode}: key {k.Key} reached {k.Value.Count} members"));
                    Assert.True(shares.Count(s => s > 0) >= 2, $"{mode}: all {Keys} keys landed on one member");
                    break;
            }
        }
        finally
        {
            foreach (var b in backends)
            {
                await b.DisposeAsync();
            }
        }
    }
}
