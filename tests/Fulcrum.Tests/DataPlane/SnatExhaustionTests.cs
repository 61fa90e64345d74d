using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>
/// SNAT port exhaustion, made reachable by shrinking the ephemeral port range inside a network namespace:
/// <code>
///  [test process: backend, clients] 10.78.0.1 ──veth── 10.78.0.2, 10.78.0.3 [ns: fulcrum, 4 ephemeral ports]
/// </code>
/// </summary>
public sealed class SnatExhaustionTests
{
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Ns = "fulc-sn" + Id;
    private static readonly string Veth = "fsn0" + Id;
    private static readonly string VethPeer = "fsn1" + Id;

    [RootFact]
    public async Task SnatPool_PortsExhausted_NextAddressUsed_ThenCountedAndReset()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates a network namespace");
        await TearDown();
        try
        {
            await Shell.Run("ip", "netns", "add", Ns);
            await Shell.Run("ip", "-n", Ns, "link", "set", "lo", "up");
            await Shell.Run("ip", "link", "add", Veth, "type", "veth", "peer", "name", VethPeer);
            await Shell.Run("ip", "link", "set", VethPeer, "netns", Ns);
            await Shell.Run("ip", "addr", "add", "10.78.0.1/24", "dev", Veth);
            await Shell.Run("ip", "link", "set", Veth, "up");
            await Shell.Run("ip", "-n", Ns, "addr", "add", "10.78.0.2/24", "dev", VethPeer);
            await Shell.Run("ip", "-n", Ns, "addr", "add", "10.78.0.3/24", "dev", VethPeer);
            await Shell.Run("ip", "-n", Ns, "link", "set", VethPeer, "up");
            await Shell.Run("ip", "netns", "exec", Ns, "sysctl", "-qw", "net.ipv4.ip_local_port_range=40000 40003");

            await using var backend = new RawBackend(async s =>
            {
                var buffer = new byte[64];
                int n;
                while ((n = await s.ReceiveAsync(buffer)) > 0)
                {
                    await s.SendAsync(buffer.AsMemory(0, n));
                }
            }, IPAddress.Parse("10.78.0.1"));
            using var dir = new TempDir();
            await using var appliance = await ApplianceProcess.StartAsync(dir.Path, launcher: ["ip", "netns", "exec", Ns], host: "10.78.0.2");
            using var api = appliance.Client();
            await DataPlaneApi.Ok(api.Post("/api/v1/pools", $$"""{"name":"sn","members":[{"address":"10.78.0.1","port":{{backend.Port}}}]}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"sn","destination":"10.78.0.2:7000","pool":"sn","profiles":["tcp"],"sourceAddressTranslation":"snat","snatPool":["10.78.0.2","10.78.0.3"]}"""));

            // Two addresses x four ports: eight concurrent connections to the one member fit, spread over both addresses.
            var open = new List<Socket>();
            try
            {
                for (var i = 0; i < 8; i++)
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await s.ConnectAsync(IPAddress.Parse("10.78.0.2"), 7000);
                    open.Add(s);
                    Assert.Equal("hi", await Echo(s, "hi"));
                }
                Assert.Equal(["10.78.0.2", "10.78.0.3"], backend.Peers.Select(p => p.Address.ToString()).Distinct().OrderBy(a => a).ToArray());

                // The ninth finds no port on either address: reset, counted.
                var echoed = "";
                try
                {
                    using var ninth = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await ninth.ConnectAsync(IPAddress.Parse("10.78.0.2"), 7000);
                    await ninth.SendAsync("x"u8.ToArray());
                    (echoed, _) = await RawClient.ReadToCloseAsync(ninth, TimeSpan.FromSeconds(5));
                }
                catch (SocketException)
                {
                }
                Assert.Equal("", echoed);
                var metrics = (await api.Get("/metrics")).Text;
                Assert.Contains("fulcrum_snat_exhausted_total 1\n", metrics);
                Assert.Equal(1, await api.VirtualErrorsAsync("sn", "resource", 1));
            }
            finally
            {
                foreach (var s in open)
                {
                    s.Dispose();
                }
            }
        }
        finally
        {
            await TearDown();
        }
    }

    private static async Task<string> Echo(Socket s, string text)
    {
        await s.SendAsync(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[64];
        var n = await s.ReceiveAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static async Task TearDown()
    {
        await Shell.Run(false, "ip", "netns", "del", Ns);
        await Shell.Run(false, "ip", "link", "del", Veth);
    }
}
