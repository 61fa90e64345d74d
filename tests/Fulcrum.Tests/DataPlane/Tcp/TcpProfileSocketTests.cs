using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tcp;

/// <summary>
/// Every tcp profile knob on the real sockets of a proxied connection: a virtual with one profile on the client side
/// and another on the server side, and a virtual on the defaults. The options are read back with getsockopt from the
/// proxy's live sockets (the status) and, where ss shows them, checked against ss as well. Runs on whichever
/// transport FULCRUM_TRANSPORT names (epoll by default; sockets for the fallback).
/// </summary>
public sealed class TcpProfileSocketTests : IClassFixture<ApplianceFixture>
{
    private const string ClientProfile = """
        {"name":"side-client","noDelay":false,"sendBufferSize":65536,"receiveBufferSize":98304,"keepAliveTime":600,
         "keepAliveInterval":30,"keepAliveProbes":4,"congestionControl":"reno","notSentLowat":32768,"userTimeout":40,
         "maxSegmentSize":1200,"quickAck":true,"deferAccept":5,"lingerTimeout":0,"synBacklog":128,"idleTimeout":100}
        """;

    private const string ServerProfile = """
        {"name":"side-server","noDelay":true,"sendBufferSize":131072,"receiveBufferSize":65536,"keepAliveTime":120,
         "keepAliveInterval":15,"keepAliveProbes":3,"congestionControl":"cubic","notSentLowat":65536,"zeroWindowTimeout":25,
         "maxSegmentSize":1000,"fastOpen":true,"lingerTimeout":7,"idleTimeout":200}
        """;

    /// <summary>Each profile field and the test that shows it applied; a field missing here fails <see cref="EveryProfileField_IsAppliedAndTested"/>.</summary>
    private static readonly Dictionary<string, string> FieldTests = new(StringComparer.Ordinal)
    {
        ["noDelay"] = nameof(EachSide_CarriesItsOwnProfile),
        ["sendBufferSize"] = nameof(EachSide_CarriesItsOwnProfile),
        ["receiveBufferSize"] = nameof(EachSide_CarriesItsOwnProfile),
        ["keepAliveTime"] = nameof(EachSide_CarriesItsOwnProfile),
        ["keepAliveInterval"] = nameof(EachSide_CarriesItsOwnProfile),
        ["keepAliveProbes"] = nameof(EachSide_CarriesItsOwnProfile),
        ["congestionControl"] = nameof(EachSide_CarriesItsOwnProfile),
        ["notSentLowat"] = nameof(EachSide_CarriesItsOwnProfile),
        ["userTimeout"] = nameof(EachSide_CarriesItsOwnProfile),
        ["zeroWindowTimeout"] = nameof(EachSide_CarriesItsOwnProfile),
        ["maxSegmentSize"] = nameof(EachSide_CarriesItsOwnProfile),
        ["quickAck"] = nameof(EachSide_CarriesItsOwnProfile),
        ["fastOpen"] = nameof(EachSide_CarriesItsOwnProfile),
        ["deferAccept"] = nameof(EachSide_CarriesItsOwnProfile),
        ["lingerTimeout"] = nameof(EachSide_CarriesItsOwnProfile),
        ["synBacklog"] = nameof(EachSide_CarriesItsOwnProfile),
        ["idleTimeout"] = nameof(IdleTimeout_ResetOrFinAsEachSideSays),
        ["resetOnTimeout"] = nameof(IdleTimeout_ResetOrFinAsEachSideSays),
        ["connectTimeout"] = "Rules.Proxy.RuleLbProxyTests (connect timeout to a member)",
        ["collectTimeout"] = "Rules.Proxy.TcpCollectTimeoutProxyTests",
        ["proxyProtocol"] = "DataPlane.ProxyProtocolTests",
        ["acceptProxyProtocolFrom"] = "DataPlane.ProxyProtocolTests",
        ["proxyBufferHigh"] = nameof(ProxyBufferMarksTests),
        ["proxyBufferLow"] = nameof(ProxyBufferMarksTests),
    };

    private readonly ApplianceFixture _f;

    public TcpProfileSocketTests(ApplianceFixture f)
    {
        _f = f;
    }

    [Fact]
    public void EveryProfileField_IsAppliedAndTested()
    {
        var fields = typeof(TcpProfile).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not ("Name" or "Description" or "Kind"))
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToList();

        var untested = fields.Where(f => !FieldTests.ContainsKey(f)).ToList();

        Assert.Empty(untested);
    }

    [Fact]
    public async Task EachSide_CarriesItsOwnProfile()
    {
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", ClientProfile);
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", ServerProfile);
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("sides", [be.Port]);
        var port = await _f.Admin.VirtualAsync("sides", "sides", "\"tcp\"", ""","clientSideTcp":"side-client","serverSideTcp":"side-server" """);

        using var c = await ExchangeAsync(port);
        var tcp = (await _f.Admin.VirtualStatusAsync("sides")).GetProperty("tcp");
        var client = tcp.GetProperty("clientSide");
        var server = tcp.GetProperty("serverSide");
        var co = client.GetProperty("options");
        var so = server.GetProperty("options");

        Assert.Equal("side-client", client.GetProperty("profile").GetString());
        Assert.Equal("side-server", server.GetProperty("profile").GetString());
        Assert.Equal(JsonValueKind.Null, client.GetProperty("refusedOption").ValueKind);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("refusedOption").ValueKind);
        Assert.False(co.GetProperty("noDelay").GetBoolean());
        Assert.True(so.GetProperty("noDelay").GetBoolean());
        // The kernel doubles a buffer request (room for its bookkeeping) and reports the doubled size.
        Assert.Equal(2 * 65536, co.GetProperty("sendBufferSize").GetInt32());
        Assert.Equal(2 * 98304, co.GetProperty("receiveBufferSize").GetInt32());
        Assert.Equal(2 * 131072, so.GetProperty("sendBufferSize").GetInt32());
        Assert.Equal(2 * 65536, so.GetProperty("receiveBufferSize").GetInt32());
        Assert.Equal((600, 30, 4), (co.GetProperty("keepAliveTime").GetInt32(), co.GetProperty("keepAliveInterval").GetInt32(), co.GetProperty("keepAliveProbes").GetInt32()));
        Assert.Equal((120, 15, 3), (so.GetProperty("keepAliveTime").GetInt32(), so.GetProperty("keepAliveInterval").GetInt32(), so.GetProperty("keepAliveProbes").GetInt32()));
        Assert.Equal("reno", co.GetProperty("congestionControl").GetString());
        Assert.Equal("cubic", so.GetProperty("congestionControl").GetString());
        Assert.Equal(32768, co.GetProperty("notSentLowat").GetInt32());
        Assert.Equal(65536, so.GetProperty("notSentLowat").GetInt32());
        Assert.Equal(40_000, co.GetProperty("userTimeoutMs").GetInt32());
        // zeroWindowTimeout is enforced through TCP_USER_TIMEOUT (it also ends zero-window probing).
        Assert.Equal(25_000, so.GetProperty("userTimeoutMs").GetInt32());
        // The segment size in use is the clamp less the TCP options carried in every segment (timestamps: 12 bytes).
        Assert.InRange(co.GetProperty("maxSegmentSize").GetInt32(), 1200 - 40, 1200);
        Assert.InRange(so.GetProperty("maxSegmentSize").GetInt32(), 1000 - 40, 1000);
        Assert.True(co.GetProperty("quickAck").GetBoolean());
        Assert.True(so.GetProperty("fastOpen").GetBoolean());
        Assert.False(co.GetProperty("fastOpen").GetBoolean());
        // TCP_DEFER_ACCEPT is kept as a count of SYN-ACK retransmissions: the kernel rounds 5 s up to 1+2+4 = 7 s.
        Assert.InRange(co.GetProperty("deferAccept").GetInt32(), 5, 7);
        Assert.Equal(0, co.GetProperty("lingerTimeout").GetInt32());
        Assert.Equal(7, so.GetProperty("lingerTimeout").GetInt32());
        Assert.Equal(Math.Min(128, SoMaxConn()), co.GetProperty("synBacklog").GetInt32());

        // ss, from the kernel's own view (inet_diag), agrees on what it shows.
        var ssClient = await Shell.Run("ss", "-tinoH", "state", "established", $"( sport = :{port} )");
        Assert.Contains("reno", ssClient);
        Assert.Contains("timer:(keepalive", ssClient);
        var ssServer = await Shell.Run("ss", "-tinoH", "state", "established", $"( dport = :{be.Port} )");
        Assert.Contains("cubic", ssServer);
        Assert.Contains("timer:(keepalive", ssServer);
        var listening = await Shell.Run("ss", "-ltnH", $"( sport = :{port} )");
        Assert.All(listening.Split('\n', StringSplitOptions.RemoveEmptyEntries), line =>
            Assert.Equal(Math.Min(128, SoMaxConn()), int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Defaults_AreTheBuiltInTcpProfile()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("defaults", [be.Port]);
        var port = await _f.Admin.VirtualAsync("defaults", "defaults", "\"tcp\"");

        using var c = await ExchangeAsync(port);
        var tcp = (await _f.Admin.VirtualStatusAsync("defaults")).GetProperty("tcp");

        foreach (var side in new[] { "clientSide", "serverSide" })
        {
            var o = tcp.GetProperty(side).GetProperty("options");
            Assert.Equal("tcp", tcp.GetProperty(side).GetProperty("profile").GetString());
            Assert.True(o.GetProperty("noDelay").GetBoolean());
            Assert.Equal((1800, 75, 9), (o.GetProperty("keepAliveTime").GetInt32(), o.GetProperty("keepAliveInterval").GetInt32(), o.GetProperty("keepAliveProbes").GetInt32()));
            Assert.Equal(File.ReadAllText("/proc/sys/net/ipv4/tcp_congestion_control").Trim(), o.GetProperty("congestionControl").GetString());
            Assert.Equal(0, o.GetProperty("notSentLowat").GetInt32());
            Assert.Equal(0, o.GetProperty("userTimeoutMs").GetInt32());
            Assert.False(o.GetProperty("fastOpen").GetBoolean());
            // Buffers left to autotuning: the kernel's initial sizes (tcp_wmem / tcp_rmem defaults), not a request doubled.
            Assert.True(o.GetProperty("sendBufferSize").GetInt32() > 0);
            Assert.Equal(int.Parse(File.ReadAllText("/proc/sys/net/ipv4/tcp_fin_timeout").Trim(), System.Globalization.CultureInfo.InvariantCulture), o.GetProperty("lingerTimeout").GetInt32());
        }
        var co = tcp.GetProperty("clientSide").GetProperty("options");
        Assert.Equal(0, co.GetProperty("deferAccept").GetInt32());
        Assert.Equal(Math.Min(4096, SoMaxConn()), co.GetProperty("synBacklog").GetInt32());
    }

    [Fact]
    public async Task ClosedConnections_TcpInfoSummedPerSide()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("info", [be.Port]);
        var port = await _f.Admin.VirtualAsync("info", "info", "\"tcp\"");

        for (var i = 0; i < 3; i++)
        {
            using var c = await ExchangeAsync(port);
            c.Shutdown(SocketShutdown.Send);
            await RawClient.ReadToCloseAsync(c, TimeSpan.FromSeconds(5));
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        JsonElement tcp;
        do
        {
            tcp = (await _f.Admin.VirtualStatusAsync("info")).GetProperty("tcp");
            await Task.Delay(50);
        }
        while (tcp.GetProperty("serverSide").GetProperty("closed").GetProperty("connections").GetInt64() < 3 && DateTime.UtcNow < deadline);
        foreach (var side in new[] { "clientSide", "serverSide" })
        {
            var closed = tcp.GetProperty(side).GetProperty("closed");
            Assert.Equal(3, closed.GetProperty("connections").GetInt64());
            Assert.True(closed.GetProperty("rttMeanUs").GetInt64() > 0);
            Assert.True(closed.GetProperty("bytesSent").GetInt64() >= 3 * 4);
            Assert.Equal(0, closed.GetProperty("retransmits").GetInt64());
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task IdleTimeout_ResetOrFinAsEachSideSays(bool clientReset, bool serverReset)
    {
        var name = $"idle-{clientReset}-{serverReset}".ToLowerInvariant();
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", $$"""{"name":"{{name}}-c","idleTimeout":1,"resetOnTimeout":{{(clientReset ? "true" : "false")}}}""");
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", $$"""{"name":"{{name}}-s","idleTimeout":30,"resetOnTimeout":{{(serverReset ? "true" : "false")}}}""");
        var backendSaw = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[64];
            try
            {
                while (await s.ReceiveAsync(buffer) > 0)
                {
                }
                backendSaw.TrySetResult(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                backendSaw.TrySetResult(true);
            }
        });
        await _f.Admin.PoolAsync(name, [be.Port]);
        var port = await _f.Admin.VirtualAsync(name, name, "\"tcp\"", $$""","clientSideTcp":"{{name}}-c","serverSideTcp":"{{name}}-s" """);
        using var c = await RawClient.ConnectAsync(port);
        await c.SendAsync("x"u8.ToArray());

        // The shorter side's idle timeout (1 s) ends the connection; each peer sees what its side's profile says.
        bool clientSawReset;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            clientSawReset = await c.ReceiveAsync(new byte[16], SocketFlags.None, cts.Token) < 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            clientSawReset = true;
        }

        Assert.Equal(clientReset, clientSawReset);
        Assert.Equal(serverReset, await backendSaw.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<Socket> ExchangeAsync(int port)
    {
        var c = await RawClient.ConnectAsync(port);
        await c.SendAsync("ping"u8.ToArray());
        var buffer = new byte[4];
        var read = 0;
        while (read < 4)
        {
            var n = await c.ReceiveAsync(buffer.AsMemory(read));
            Assert.True(n > 0);
            read += n;
        }
        return c;
    }

    private static int SoMaxConn() => int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
