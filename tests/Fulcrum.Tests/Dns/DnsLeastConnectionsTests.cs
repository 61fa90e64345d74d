using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Dns;

/// <summary>
/// A least-connections wide IP answers with the member that has the fewest current connections through the proxy,
/// as GTM does with LTM virtuals' connection counts: the pool here is served by a standard virtual of the same
/// appliance too, and its held connections move the DNS answer (docs/DNS.md, "least-connections").
/// </summary>
public sealed class DnsLeastConnectionsTests
{
    [Fact]
    public async Task Dig_LeastConnections_AnswersTheMemberWithFewestProxyConnections()
    {
        var memberPort = FreePort.Next();
        using var a = new TcpListener(IPAddress.Parse("127.0.0.2"), memberPort);
        using var b = new TcpListener(IPAddress.Parse("127.0.0.3"), memberPort);
        a.Start();
        b.Start();
        var acceptedA = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                var s = await a.AcceptSocketAsync();
                lock (acceptedA)
                {
                    acceptedA.Add(s);
                }
            }
        });
        using var dir = new TempDir();
        var (app, api, port) = await DnsServerTests.StartAsync(dir, """{"name":"lc.example.com","pools":["lc"],"method":"least-connections"}""", "\"lc.example.com\"",
            pools: $$"""{"name":"lc","members":[{"address":"127.0.0.2","port":{{memberPort}}},{"address":"127.0.0.3","port":{{memberPort}}}]}""");
        await using var _ = app;
        using var __ = api;
        var proxyPort = FreePort.Next();
        var v = await api.Post("/api/v1/virtuals", $$"""{"name":"lc-proxy","destination":"127.0.0.1:{{proxyPort}}","pool":"lc","profiles":["tcp"]}""");
        Assert.True(v.Code == 201, v.Text);

        // With no connections both members are answered, in turn.
        var idle = await Dig.BatchAsync(port, Enumerable.Repeat("lc.example.com A", 10));
        Assert.Equal(5, idle.Count(x => x == "127.0.0.2"));
        Assert.Equal(5, idle.Count(x => x == "127.0.0.3"));

        // Three connections through the proxy, all to 127.0.0.2 (127.0.0.3 disabled while they open).
        await DataPlaneApi.Ok(api.Patch($"/api/v1/pools/lc/members/127.0.0.3:{memberPort}", """{"state":"disabled"}"""));
        var clients = new List<TcpClient>();
        try
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                var c = new TcpClient();
                while (true)
                {
                    try
                    {
                        await c.ConnectAsync(IPAddress.Loopback, proxyPort);
                        break;
                    }
                    catch (SocketException) when (sw.Elapsed < TimeSpan.FromSeconds(10))
                    {
                        await Task.Delay(50); // the virtual is still binding
                        c.Dispose();
                        c = new TcpClient();
                    }
                }
                clients.Add(c);
            }
            while (Count(acceptedA) < 3)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "the proxy never connected to 127.0.0.2");
                await Task.Delay(20);
            }
            await DataPlaneApi.Ok(api.Patch($"/api/v1/pools/lc/members/127.0.0.3:{memberPort}", """{"state":"enabled"}"""));
            var m = (await api.PoolStatusAsync("lc")).GetProperty("members").EnumerateArray().Single(x => x.GetProperty("address").GetString() == "127.0.0.2");
            Assert.Equal(3, m.GetProperty("currentConnections").GetInt64());

            // Every answer is now the member with fewer connections: DNS answers add none, so it stays 3 to 0.
            var busy = await Dig.BatchAsync(port, Enumerable.Repeat("lc.example.com A", 20));
            Assert.Equal(20, busy.Length);
            Assert.All(busy, x => Assert.Equal("127.0.0.3", x));
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
            lock (acceptedA)
            {
                // The member closes its side too, so the proxy's connections end both ways.
                acceptedA.ForEach(s => s.Dispose());
            }
        }

        // The connections closed: both members are answered again.
        var deadline = Stopwatch.StartNew();
        while ((await api.PoolStatusAsync("lc")).GetProperty("members").EnumerateArray().Any(x => x.GetProperty("currentConnections").GetInt64() != 0))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "connections never closed");
            await Task.Delay(50);
        }
        var after = await Dig.BatchAsync(port, Enumerable.Repeat("lc.example.com A", 10));
        Assert.Contains("127.0.0.2", after);
        Assert.Contains("127.0.0.3", after);
    }

    private static int Count(List<Socket> sockets)
    {
        lock (sockets)
        {
            return sockets.Count;
        }
    }
}
