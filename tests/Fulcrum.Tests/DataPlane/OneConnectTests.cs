using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>Server-side connection reuse (OneConnect) as the backend sees it: its connection count.</summary>
public sealed class OneConnectTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public OneConnectTests(ApplianceFixture f)
    {
        _f = f;
    }

    private static async Task<string> OneRequest(int port, string path = "/", string method = "GET", IPAddress? from = null)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            s.Bind(new IPEndPoint(from, 0));
        }
        await s.ConnectAsync(IPAddress.Loopback, port);
        var body = method == "GET" ? "" : "Content-Length: 0\r\n";
        await s.SendAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: a\r\n{body}Connection: close\r\n\r\n"));
        var (text, _) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(5));
        return text;
    }

    [Fact]
    public async Task ReuseAcrossClientConnections_BackendSeesOneConnection()
    {
        await using var be = await KestrelBackend.StartAsync("oc");
        await _f.Admin.PoolAsync("oc1", [be.Port]);
        var port = await _f.Admin.VirtualAsync("oc1", "oc1", "\"tcp\",\"http\",\"oneconnect\"");
        for (var i = 0; i < 10; i++)
        {
            Assert.StartsWith("HTTP/1.1 200", await OneRequest(port));
        }
        Assert.Equal(10, be.Requests);
        Assert.Equal(1, be.Connections);
    }

    [Fact]
    public async Task WithoutOneConnect_EachClientConnectionHasItsOwnServerConnection()
    {
        await using var be = await KestrelBackend.StartAsync("nooc");
        await _f.Admin.PoolAsync("nooc", [be.Port]);
        var port = await _f.Admin.VirtualAsync("nooc", "nooc");
        for (var i = 0; i < 5; i++)
        {
            Assert.StartsWith("HTTP/1.1 200", await OneRequest(port));
        }
        Assert.Equal(5, be.Connections);
    }

    [Fact]
    public async Task MaxReuse_LimitsRequestsPerServerConnection()
    {
        await using var be = await KestrelBackend.StartAsync("ocmax");
        await _f.Admin.PoolAsync("ocmax", [be.Port]);
        await _f.Admin.ProfileAsync("oneconnect", """{"name":"oc-reuse2","maxReuse":2}""");
        var port = await _f.Admin.VirtualAsync("ocmax", "ocmax", "\"tcp\",\"http\",\"oc-reuse2\"");
        for (var i = 0; i < 6; i++)
        {
            Assert.StartsWith("HTTP/1.1 200", await OneRequest(port));
        }
        Assert.Equal(3, be.Connections);
    }

    [Fact]
    public async Task SourceMask_HostMaskSeparatesClients_ZeroMaskSharesThem()
    {
        await using var be = await KestrelBackend.StartAsync("ocmask");
        await _f.Admin.PoolAsync("ocmask", [be.Port]);
        await _f.Admin.ProfileAsync("oneconnect", """{"name":"oc-host","sourceMask":"255.255.255.255"}""");
        var port = await _f.Admin.VirtualAsync("ocmask", "ocmask", "\"tcp\",\"http\",\"oc-host\"");
        foreach (var from in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.2" })
        {
            Assert.StartsWith("HTTP/1.1 200", await OneRequest(port, from: IPAddress.Parse(from)));
        }
        Assert.Equal(2, be.Connections);

        await using var be2 = await KestrelBackend.StartAsync("ocany");
        await _f.Admin.PoolAsync("ocany", [be2.Port]);
        var port2 = await _f.Admin.VirtualAsync("ocany", "ocany", "\"tcp\",\"http\",\"oneconnect\"");
        foreach (var from in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" })
        {
            Assert.StartsWith("HTTP/1.1 200", await OneRequest(port2, from: IPAddress.Parse(from)));
        }
        Assert.Equal(1, be2.Connections);
    }

    [Fact]
    public async Task ServerClosedConnection_IsNeverReused()
    {
        // Every response says Connection: close and the backend closes: each request needs a fresh connection.
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            await s.ReceiveAsync(buffer);
            await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
            s.Shutdown(SocketShutdown.Send);
        });
        await _f.Admin.PoolAsync("occlose", [be.Port]);
        var port = await _f.Admin.VirtualAsync("occlose", "occlose", "\"tcp\",\"http\",\"oneconnect\"");
        for (var i = 0; i < 4; i++)
        {
            Assert.EndsWith("\r\n\r\nok", await OneRequest(port));
        }
        Assert.Equal(4, be.Connections);
    }

    [Fact]
    public async Task ReusedConnectionFailsBeforeResponse_IdempotentRetriedOnce_PostGets502()
    {
        // The backend answers the first request of a connection, and drops the connection on the second one without a
        // byte of response: the case a pooled connection raced with the server's own idle close.
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            var n = await s.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }
            await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"u8.ToArray());
            n = await s.ReceiveAsync(buffer);
            s.LingerState = new LingerOption(true, 0);
        });
        await _f.Admin.PoolAsync("ocretry", [be.Port]);
        var port = await _f.Admin.VirtualAsync("ocretry", "ocretry", "\"tcp\",\"http\",\"oneconnect\"");
        Assert.EndsWith("first", await OneRequest(port));
        await Task.Delay(100);
        Assert.EndsWith("first", await OneRequest(port)); // reused, dropped, retried on a fresh connection
        Assert.Equal(2, be.Connections);
        await Task.Delay(100);
        var post = await OneRequest(port, "/", "POST"); // reused, dropped: a POST is not retried
        Assert.StartsWith("HTTP/1.1 502", post);
    }
}
