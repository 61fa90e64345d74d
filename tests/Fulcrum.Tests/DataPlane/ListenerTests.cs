using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>Listeners follow the config without a restart and without touching established connections.</summary>
public sealed class ListenerTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public ListenerTests(ApplianceFixture f)
    {
        _f = f;
    }

    private static async Task<bool> CanConnect(int port)
    {
        try
        {
            using var s = await RawClient.ConnectAsync(port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<string> Echo(Socket s, string text)
    {
        await s.SendAsync(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[256];
        var n = await s.ReceiveAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    [Fact]
    public async Task DisableEnableMoveDelete_ListenerFollows_EstablishedConnectionKeepsWorking()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("lst", [be.Port]);
        var port = await _f.Admin.VirtualAsync("lst", "lst", "\"tcp\"");
        using var established = await RawClient.ConnectAsync(port);
        Assert.Equal("one", await Echo(established, "one"));

        await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/virtuals/lst", """{"enabled":false}"""));
        Assert.False(await CanConnect(port));
        Assert.Equal("disabled", (await _f.Admin.VirtualStatusAsync("lst")).GetProperty("state").GetString());
        Assert.Equal("two", await Echo(established, "two"));

        await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/virtuals/lst", """{"enabled":true}"""));
        Assert.True(await CanConnect(port));

        var moved = FreePort.Next();
        await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/virtuals/lst", $$"""{"destination":"127.0.0.1:{{moved}}"}"""));
        Assert.False(await CanConnect(port));
        Assert.True(await CanConnect(moved));
        Assert.Equal("three", await Echo(established, "three"));

        await DataPlaneApi.Ok(_f.Admin.Delete("/api/v1/virtuals/lst"));
        Assert.False(await CanConnect(moved));
        Assert.Equal("four", await Echo(established, "four"));
    }

    [Fact]
    public async Task AddressInUse_ShowsInStatusWithTheOsError_ThenListensOnceFree()
    {
        var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("busy", [be.Port]);
        await _f.Admin.VirtualAsync("busy", "busy", "\"tcp\"", port: port);
        var v = await _f.Admin.VirtualStatusAsync("busy");
        Assert.Equal("error", v.GetProperty("state").GetString());
        Assert.Contains("AddressAlreadyInUse", v.GetProperty("error").GetString());
        squatter.Stop();
        // Retried every few seconds (and on the next change): no restart needed.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _f.Admin.VirtualStatusAsync("busy")).GetProperty("state").GetString() != "listening")
        {
            Assert.True(DateTime.UtcNow < deadline, "the listener did not come up after the address was freed");
            await Task.Delay(200);
        }
        using var c = await RawClient.ConnectAsync(port);
        Assert.Equal("up", await Echo(c, "up"));
        // The appliance itself is fine.
        Assert.Equal(200, (await _f.Admin.Get("/api/v1/status")).Code);
    }

    [Fact]
    public async Task ConnectionLimit_RefusesConnectionsOverTheLimit()
    {
        await using var be = RawBackend.Echo();
        await _f.Admin.PoolAsync("lim", [be.Port]);
        var port = await _f.Admin.VirtualAsync("lim", "lim", "\"tcp\"", ""","connectionLimit":2""");
        using var a = await RawClient.ConnectAsync(port);
        using var b = await RawClient.ConnectAsync(port);
        Assert.Equal("a", await Echo(a, "a"));
        Assert.Equal("b", await Echo(b, "b"));
        // Over the limit: reset at once (seen at connect, send or read, depending on timing), nothing echoed.
        var echoed = "";
        try
        {
            using var c = await RawClient.ConnectAsync(port);
            await c.SendAsync("c"u8.ToArray());
            (echoed, _) = await RawClient.ReadToCloseAsync(c, TimeSpan.FromSeconds(3));
        }
        catch (SocketException)
        {
        }
        Assert.Equal("", echoed);
        a.Dispose();
        // Once a's connection has ended on both sides, a new one fits under the limit again.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                using var d = await RawClient.ConnectAsync(port);
                Assert.Equal("d", await Echo(d, "d"));
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        Assert.True(await _f.Admin.VirtualErrorsAsync("lim", "resource", 1) >= 1);
    }
}
