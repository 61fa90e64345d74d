using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>The L4 full proxy (no http profile) end to end: real fulcrum process, raw-socket backends and clients.</summary>
public sealed class L4ProxyTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public L4ProxyTests(ApplianceFixture f)
    {
        _f = f;
    }

    [Fact]
    public async Task Echo_BytesRoundTripThroughProxy()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("l4-echo", [be.Port]);
        var port = await _f.Admin.VirtualAsync("l4-echo", "l4-echo", "\"tcp\"");
        using var s = await RawClient.ConnectAsync(port);
        var payload = KestrelBackend.Pattern(300_000);
        var send = s.SendAsync(payload);
        var got = new byte[payload.Length];
        var read = 0;
        while (read < got.Length)
        {
            var n = await s.ReceiveAsync(got.AsMemory(read));
            Assert.True(n > 0);
            read += n;
        }
        await send;
        Assert.Equal(payload, got);
        // The backend saw the proxy's connection, not the client's.
        Assert.Equal(1, be.Connections);
    }

    [Fact]
    public async Task HalfClose_ClientFinKeepsTheResponseDirectionOpen()
    {
        // The backend reads until FIN, then answers with everything it read (only possible if the proxy forwards the
        // FIN and keeps the other direction open).
        await using var be = new RawBackend(async s =>
        {
            var all = new MemoryStream();
            var buffer = new byte[4096];
            int n;
            while ((n = await s.ReceiveAsync(buffer)) > 0)
            {
                all.Write(buffer, 0, n);
            }
            await Task.Delay(200);
            await s.SendAsync(Encoding.ASCII.GetBytes("got:" + Encoding.ASCII.GetString(all.ToArray())));
            s.Shutdown(SocketShutdown.Send);
        });
        await _f.Admin.PoolAsync("l4-half", [be.Port]);
        var port = await _f.Admin.VirtualAsync("l4-half", "l4-half", "\"tcp\"");
        using var c = await RawClient.ConnectAsync(port);
        await c.SendAsync("hello"u8.ToArray());
        c.Shutdown(SocketShutdown.Send);
        var (text, closed) = await RawClient.ReadToCloseAsync(c, TimeSpan.FromSeconds(5));
        Assert.Equal("got:hello", text);
        Assert.True(closed);
    }

    [Fact]
    public async Task MemberRefuses_NextMemberIsTried()
    {
        await using var be = RawBackend.Echo();
        var dead = FreePort.Next();
        await _f.Admin.PoolAsync("l4-fail", [dead, be.Port], reselectTries: 1);
        var port = await _f.Admin.VirtualAsync("l4-fail", "l4-fail", "\"tcp\"");
        for (var i = 0; i < 4; i++)
        {
            using var c = await RawClient.ConnectAsync(port);
            await c.SendAsync("ping"u8.ToArray());
            var buffer = new byte[4];
            var n = await c.ReceiveAsync(buffer);
            Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, n));
        }
        var pool = await _f.Admin.PoolStatusAsync("l4-fail");
        Assert.True(DataPlaneApi.ErrorCount(pool, "connect-refused") >= 1);
    }

    [Fact]
    public async Task NoMemberReachable_ClientIsReset()
    {
        using var dead = FreePort.Refusing(out var deadPort);
        await _f.Admin.PoolAsync("l4-none", [deadPort]);
        var port = await _f.Admin.VirtualAsync("l4-none", "l4-none", "\"tcp\"");
        // The reset may be seen at connect, send or read, depending on timing; nothing is ever answered.
        var text = "";
        try
        {
            using var c = await RawClient.ConnectAsync(port);
            await c.SendAsync("x"u8.ToArray());
            (text, var closed) = await RawClient.ReadToCloseAsync(c, TimeSpan.FromSeconds(5));
            Assert.True(closed);
        }
        catch (SocketException)
        {
        }
        Assert.Equal("", text);
        Assert.Equal(1, await _f.Admin.VirtualErrorsAsync("l4-none", "connect-refused", 1));
    }

    [Fact]
    public async Task IdleTimeout_ClosesAnIdleConnection()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("l4-idle", [be.Port]);
        await _f.Admin.ProfileAsync("tcp", """{"name":"tcp-idle1","idleTimeout":1}""");
        var port = await _f.Admin.VirtualAsync("l4-idle", "l4-idle", "\"tcp-idle1\"");
        using var c = await RawClient.ConnectAsync(port);
        await c.SendAsync("a"u8.ToArray());
        var started = DateTime.UtcNow;
        var (text, closed) = await RawClient.ReadToCloseAsync(c, TimeSpan.FromSeconds(5));
        Assert.Equal("a", text);
        Assert.True(closed);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.8, 3);
        Assert.Equal(1, await _f.Admin.VirtualErrorsAsync("l4-idle", "client-timeout", 1));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task ProxyProtocol_MemberLearnsTheClientAddress(string version)
    {
        var header = new TaskCompletionSource<byte[]>();
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[512];
            var n = await s.ReceiveAsync(buffer);
            header.TrySetResult(buffer[..n]);
        });
        await _f.Admin.PoolAsync("l4-pp" + version, [be.Port]);
        await _f.Admin.ProfileAsync("tcp", $$"""{"name":"tcp-pp{{version}}","proxyProtocol":"{{version}}"}""");
        var port = await _f.Admin.VirtualAsync("l4-pp" + version, "l4-pp" + version, $"\"tcp-pp{version}\"");
        using var c = await RawClient.ConnectAsync(port);
        var clientPort = ((IPEndPoint)c.LocalEndPoint!).Port;
        await c.SendAsync("data"u8.ToArray());
        var got = await header.Task.WaitAsync(TimeSpan.FromSeconds(5));
        if (version == "v1")
        {
            Assert.StartsWith($"PROXY TCP4 127.0.0.1 127.0.0.1 {clientPort} {port}\r\n", Encoding.ASCII.GetString(got));
        }
        else
        {
            Assert.Equal(new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12, 127, 0, 0, 1, 127, 0, 0, 1 }, got[..24]);
            Assert.Equal(clientPort, (got[24] << 8) | got[25]);
            Assert.Equal(port, (got[26] << 8) | got[27]);
        }
    }

    [Fact]
    public async Task AcceptProxyProtocol_FromATrustedFront_IsForwardedAsTheRealClient()
    {
        var header = new TaskCompletionSource<string>();
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[512];
            var n = await s.ReceiveAsync(buffer);
            header.TrySetResult(Encoding.ASCII.GetString(buffer, 0, n));
        });
        await _f.Admin.PoolAsync("l4-acc", [be.Port]);
        await _f.Admin.ProfileAsync("tcp", """{"name":"tcp-acc","proxyProtocol":"v1","acceptProxyProtocolFrom":["127.0.0.0/8"]}""");
        var port = await _f.Admin.VirtualAsync("l4-acc", "l4-acc", "\"tcp-acc\"");
        using var c = await RawClient.ConnectAsync(port);
        await c.SendAsync("PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\npayload"u8.ToArray());
        var got = await header.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.StartsWith("PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\n", got);
    }

    [Fact]
    public async Task SnatPool_ServerSideBindsToThePoolAddresses()
    {
        await using var be = new RawBackend(async s =>
        {
            await s.SendAsync("x"u8.ToArray());
        });
        await _f.Admin.PoolAsync("l4-snat", [be.Port]);
        var port = await _f.Admin.VirtualAsync("l4-snat", "l4-snat", "\"tcp\"", ""","sourceAddressTranslation":"snat","snatPool":["127.0.0.2","127.0.0.3"]""");
        for (var i = 0; i < 4; i++)
        {
            using var c = await RawClient.ConnectAsync(port);
            await RawClient.ReadToCloseAsync(c, TimeSpan.FromSeconds(3));
        }
        var sources = be.Peers.Select(p => p.Address.ToString()).Distinct().OrderBy(a => a).ToArray();
        Assert.Equal(["127.0.0.2", "127.0.0.3"], sources);
    }
}
