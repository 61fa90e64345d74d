using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Fulcrum.Tests.DataPlane;

/// <summary>Slowloris, and the memory cost of many idle keep-alive clients, on their own appliance (RSS is measured).</summary>
public sealed class TimeoutAndScaleTests : IClassFixture<ApplianceFixture>
{
    /// <summary>The bound this suite states and asserts: proxy RSS growth per idle keep-alive client connection.</summary>
    public const long MaxBytesPerIdleConnection = 16 * 1024;

    private readonly ApplianceFixture _f;
    private readonly ITestOutputHelper _out;

    public TimeoutAndScaleTests(ApplianceFixture f, ITestOutputHelper output)
    {
        _f = f;
        _out = output;
    }

    [Fact]
    public async Task Slowloris_HeadersAtOneBytePerSecond_EndAtTheHeaderTimeout()
    {
        await using var be = await KestrelBackend.StartAsync("slow");
        await _f.Admin.PoolAsync("slowloris", [be.Port]);
        await _f.Admin.ProfileAsync("http", """{"name":"http-ht2","headerTimeout":2}""");
        var port = await _f.Admin.VirtualAsync("slowloris", "slowloris", "\"tcp\",\"http-ht2\"");
        using var s = await RawClient.ConnectAsync(port);
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n");
        var started = DateTime.UtcNow;
        var closedAfter = TimeSpan.Zero;
        foreach (var b in request)
        {
            try
            {
                await s.SendAsync(new[] { b });
            }
            catch (SocketException)
            {
                break;
            }
            if (s.Poll(1_000_000, SelectMode.SelectRead))
            {
                break; // readable: the proxy closed (or reset)
            }
        }
        closedAfter = DateTime.UtcNow - started;
        Assert.InRange(closedAfter.TotalSeconds, 1.5, 4.5);
        Assert.Equal(0, be.Requests);
        Assert.Equal(1, await _f.Admin.VirtualErrorsAsync("slowloris", "client-timeout", 1));
    }

    [Fact]
    public async Task TenThousandIdleKeepAliveClients_StayWithinTheStatedMemoryBound()
    {
        const int count = 10_000;
        var limit = FdLimit.Raise(65536);
        Assert.True(limit >= count + 2000, $"open-file limit {limit} is too low for {count} connections");
        await using var be = await KestrelBackend.StartAsync("idle");
        await _f.Admin.PoolAsync("idle10k", [be.Port]);
        await _f.Admin.ProfileAsync("http", """{"name":"http-idle","keepAliveTimeout":600,"headerTimeout":600}""");
        var port = await _f.Admin.VirtualAsync("idle10k", "idle10k", "\"tcp\",\"http-idle\",\"oneconnect\"");

        // Warm the paths once so JIT and pools are not counted as per-connection cost.
        await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        await Task.Delay(500);
        var pid = _f.Appliance.Pid;
        var before = DataPlaneApi.Rss(pid);
        var sockets = new List<Socket>(count);
        var request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray();
        var buffer = new byte[4096];
        try
        {
            for (var i = 0; i < count; i += 100)
            {
                var batch = new List<Task<Socket>>();
                for (var j = i; j < Math.Min(count, i + 100); j++)
                {
                    batch.Add(Task.Run(async () =>
                    {
                        var s = await RawClient.ConnectAsync(port);
                        await s.SendAsync(request);
                        var got = 0;
                        var b = new byte[1024];
                        while (true)
                        {
                            got += await s.ReceiveAsync(b);
                            if (Encoding.ASCII.GetString(b, 0, Math.Min(got, b.Length)).Contains("hello from idle", StringComparison.Ordinal))
                            {
                                return s;
                            }
                        }
                    }));
                }
                sockets.AddRange(await Task.WhenAll(batch));
            }
            await Task.Delay(1500);
            var v = await _f.Admin.VirtualStatusAsync("idle10k");
            Assert.Equal(count, v.GetProperty("currentConnections").GetInt64());
            var after = DataPlaneApi.Rss(pid);
            var perConnection = (after - before) / count;
            _out.WriteLine($"RSS before {before / 1048576} MB, with {count} idle keep-alive clients {after / 1048576} MB: {perConnection} bytes per connection; backend connections: {be.Connections}");
            Assert.True(perConnection <= MaxBytesPerIdleConnection, $"{perConnection} bytes per idle connection (bound {MaxBytesPerIdleConnection})");
            // The idle clients are still served.
            await sockets[^1].SendAsync(request);
            var n = await sockets[^1].ReceiveAsync(buffer);
            Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, n));
        }
        finally
        {
            foreach (var s in sockets)
            {
                s.Dispose();
            }
        }
    }
}
