using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>
/// Source address translation "none" (transparent): the member sees the client's own address. Built with network
/// namespaces and veth pairs, as a real two-armed deployment:
/// <code>
///  [ns cl] 10.77.1.2 ──veth── 10.77.1.1 [ns px: fulcrum] 10.77.2.1 ──veth── 10.77.2.2 [test process: backend]
/// </code>
/// The backend's route to 10.77.1.0/24 goes through the proxy (as a member's default gateway would), and the proxy
/// delivers those replies locally to its transparent sockets (policy rule + local route, the TPROXY return path).
/// </summary>
public sealed class TransparentModeTests
{
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string ProxyNs = "fulc-px" + Id;
    private static readonly string ClientNs = "fulc-cl" + Id;
    private static readonly string ServerVeth = "fs0" + Id;
    private static readonly string ServerVethPeer = "fs1" + Id;
    private static readonly string ClientVeth = "fc0" + Id;
    private static readonly string ClientVethPeer = "fc1" + Id;

    [RootFact]
    public async Task Transparent_MemberSeesTheClientAddress_AutomapTheProxyAddress()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        await TearDown();
        try
        {
            await SetUp();
            await using var backend = new RawBackend(async s =>
            {
                var buffer = new byte[4096];
                await s.ReceiveAsync(buffer);
                var peer = ((IPEndPoint)s.RemoteEndPoint!).Address.ToString();
                await s.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {peer.Length}\r\nConnection: close\r\n\r\n{peer}"));
                s.Shutdown(SocketShutdown.Send);
            }, IPAddress.Parse("10.77.2.2"));
            using var dir = new TempDir();
            await using var appliance = await ApplianceProcess.StartAsync(dir.Path, launcher: ["ip", "netns", "exec", ProxyNs], host: "10.77.2.1");
            using var api = appliance.Client();
            await DataPlaneApi.Ok(api.Post("/api/v1/pools", $$"""{"name":"tp","members":[{"address":"10.77.2.2","port":{{backend.Port}}}]}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"tp-none","destination":"10.77.1.1:8080","pool":"tp","profiles":["tcp"],"sourceAddressTranslation":"none"}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"tp-http","destination":"10.77.1.1:8081","pool":"tp","profiles":["tcp","http"],"sourceAddressTranslation":"none"}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"tp-auto","destination":"10.77.1.1:8082","pool":"tp","profiles":["tcp"],"sourceAddressTranslation":"automap"}"""));

            Assert.Equal("10.77.1.2", await CurlFromClient("http://10.77.1.1:8080/"));
            Assert.Equal("10.77.1.2", await CurlFromClient("http://10.77.1.1:8081/"));
            Assert.Equal("10.77.2.1", await CurlFromClient("http://10.77.1.1:8082/"));
        }
        finally
        {
            await TearDown();
        }
    }

    [RootFact]
    public async Task Transparent_WithoutCapNetAdmin_IsRefusedWithAClearErrorInStatus()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root to drop a capability it holds");
        using var dir = new TempDir();
        await using var appliance = await ApplianceProcess.StartAsync(dir.Path, launcher: ["setpriv", "--inh-caps=-net_admin,-net_raw", "--bounding-set=-net_admin,-net_raw", "--"]);
        using var api = appliance.Client();
        await api.PoolAsync("np", [FreePort.Next()]);
        await api.VirtualAsync("np", "np", "\"tcp\"", ""","sourceAddressTranslation":"none" """.TrimEnd());
        var v = await api.VirtualStatusAsync("np");
        Assert.Equal("error", v.GetProperty("state").GetString());
        Assert.Contains("CAP_NET_ADMIN", v.GetProperty("error").GetString());
        // The process is fine and other virtuals still work.
        await api.VirtualAsync("np-auto", "np", "\"tcp\"");
        Assert.Equal("listening", (await api.VirtualStatusAsync("np-auto")).GetProperty("state").GetString());
    }

    private static async Task<string> CurlFromClient(string url) =>
        (await Shell.Run("ip", "netns", "exec", ClientNs, "curl", "-s", "--max-time", "5", url)).Trim();

    private static async Task SetUp()
    {
        async Task Ip(params string[] a) => await Shell.Run("ip", a);
        await Ip("netns", "add", ProxyNs);
        await Ip("netns", "add", ClientNs);
        await Ip("-n", ProxyNs, "link", "set", "lo", "up");
        await Ip("-n", ClientNs, "link", "set", "lo", "up");
        // proxy <-> server side (the test process's namespace)
        await Ip("link", "add", ServerVeth, "type", "veth", "peer", "name", ServerVethPeer);
        await Ip("link", "set", ServerVethPeer, "netns", ProxyNs);
        await Ip("addr", "add", "10.77.2.2/24", "dev", ServerVeth);
        await Ip("link", "set", ServerVeth, "up");
        await Ip("-n", ProxyNs, "addr", "add", "10.77.2.1/24", "dev", ServerVethPeer);
        await Ip("-n", ProxyNs, "link", "set", ServerVethPeer, "up");
        // client <-> proxy
        await Ip("link", "add", ClientVeth, "type", "veth", "peer", "name", ClientVethPeer);
        await Ip("link", "set", ClientVeth, "netns", ClientNs);
        await Ip("link", "set", ClientVethPeer, "netns", ProxyNs);
        await Ip("-n", ClientNs, "addr", "add", "10.77.1.2/24", "dev", ClientVeth);
        await Ip("-n", ClientNs, "link", "set", ClientVeth, "up");
        await Ip("-n", ClientNs, "route", "add", "default", "via", "10.77.1.1");
        await Ip("-n", ProxyNs, "addr", "add", "10.77.1.1/24", "dev", ClientVethPeer);
        await Ip("-n", ProxyNs, "link", "set", ClientVethPeer, "up");
        // The member routes client addresses back through the proxy.
        await Ip("route", "add", "10.77.1.0/24", "via", "10.77.2.1", "dev", ServerVeth);
        // The proxy delivers replies addressed to client addresses to its own (transparent) sockets.
        await Ip("-n", ProxyNs, "rule", "add", "from", "10.77.2.0/24", "to", "10.77.1.0/24", "iif", ServerVethPeer, "lookup", "100");
        await Ip("-n", ProxyNs, "route", "add", "local", "10.77.1.0/24", "dev", "lo", "table", "100");
    }

    private static async Task TearDown()
    {
        await Shell.Run(false, "ip", "route", "del", "10.77.1.0/24", "via", "10.77.2.1");
        await Shell.Run(false, "ip", "netns", "del", ProxyNs);
        await Shell.Run(false, "ip", "netns", "del", ClientNs);
        await Shell.Run(false, "ip", "link", "del", ServerVeth);
    }
}
