using System.Diagnostics;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Packet;

/// <summary>
/// Packet mode NAT end to end, in network namespaces with the real <c>fulcrum</c> process in the director's:
/// <code>
///  [cl] 10.151.1.2 ──veth── [lb: fulcrum] 10.151.1.1 (VIP 10.151.1.100 on no interface)
///                           [lb] 10.151.2.1 ──veth── [sw: bridge] ──veth── [rs1] 10.151.2.2
///                                                                 └─veth── [rs2] 10.151.2.3
///  test process 10.151.3.2 ──veth── 10.151.3.1 [lb] (management API only)
/// </code>
/// The client reaches the virtual address by ARP (answered by the forwarder); the real servers route through
/// 10.151.2.1 and report the address they see.
/// </summary>
public sealed class NatEndToEndTests
{
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Cl = "fpk-cl" + Id, Lb = "fpk-lb" + Id, Sw = "fpk-sw" + Id, Rs1 = "fpk-r1" + Id, Rs2 = "fpk-r2" + Id;
    private static readonly string Mgmt = "fpm" + Id;

    // A real server: TCP answers an HTTP request with "<name> <peer address>", UDP echoes the same line.
    internal const string Server = """
import socket, sys, threading
name = sys.argv[1]; port = int(sys.argv[2]) if len(sys.argv) > 2 else 8080
def udp():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", port))
    while True:
        d, a = u.recvfrom(2048); u.sendto(f"{name} {a[0]}".encode(), a)
threading.Thread(target=udp, daemon=True).start()
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("0.0.0.0", port)); t.listen(64)
while True:
    c, a = t.accept(); c.recv(4096); body = f"{name} {a[0]}"
    c.sendall(f"HTTP/1.0 200 OK\r\nContent-Length: {len(body)}\r\n\r\n{body}".encode()); c.close()
""";

    [RootFact]
    public async Task Nat_TcpAndUdp_ReachBothMembers_WhichSeeTheClient_AndAKilledMemberIsAvoided()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        await TearDown();
        using var dir = new TempDir();
        var script = Path.Combine(dir.Path, "rs.py");
        await File.WriteAllTextAsync(script, Server);
        Process? rs1 = null, rs2 = null;
        try
        {
            await SetUp();
            rs1 = StartIn(Rs1, "python3", script, "rs1");
            rs2 = StartIn(Rs2, "python3", script, "rs2");
            await using var appliance = await ApplianceProcess.StartAsync(Path.Combine(dir.Path, "data"), launcher: ["ip", "netns", "exec", Lb], host: "10.151.3.1");
            using var api = appliance.Client();
            await DataPlaneApi.Ok(api.Post("/api/v1/monitors", """{"name":"fast","type":"tcp","interval":1,"timeout":3}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","monitors":["fast"],"members":[{"address":"10.151.2.2","port":8080},{"address":"10.151.2.3","port":8080}]}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.151.1.100:80","pool":"rs","profiles":[],"forwarding":"nat","clientInterface":"lbc","serverInterface":"lbs"}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.151.1.100:80","pool":"rs","profiles":[],"clientInterface":"lbc","serverInterface":"lbs"}"""));
            var web = await api.VirtualStatusAsync("web");
            Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

            var seen = new HashSet<string>();
            for (var i = 0; i < 4; i++)
            {
                var answer = await InNs(Cl, "curl", "-s", "--max-time", "5", "http://10.151.1.100/");
                Assert.EndsWith(" 10.151.1.2", answer);
                seen.Add(answer.Split(' ')[0]);
            }
            Assert.Equal(["rs1", "rs2"], seen.Order());

            var udp = await InNs(Cl, "python3", "-c", "import socket;s=socket.socket(2,2);s.settimeout(3);s.sendto(b'x',('10.151.1.100',80));print(s.recv(100).decode())");
            Assert.Matches("^rs[12] 10.151.1.2$", udp.Trim());

            web = await api.VirtualStatusAsync("web");
            Assert.True(web.GetProperty("totalConnections").GetInt64() >= 4, web.ToString());
            Assert.True(web.GetProperty("bytesIn").GetInt64() > 0 && web.GetProperty("bytesOut").GetInt64() > 0, web.ToString());

            // The connection table, like ipvsadm -Lnc: the UDP flow, and the TCP flows closing.
            var flows = (await api.Get("/api/v1/connections?virtual=dns")).Json.EnumerateArray().ToList();
            var flow = Assert.Single(flows);
            Assert.Equal("udp", flow.GetProperty("state").GetString());
            Assert.StartsWith("10.151.1.2:", flow.GetProperty("client").GetString());
            Assert.Equal("10.151.1.100:80", flow.GetProperty("destination").GetString());
            Assert.StartsWith("10.151.2.", flow.GetProperty("member").GetString());
            var tcp = (await api.Get("/api/v1/connections?virtual=web")).Json.EnumerateArray().ToList();
            Assert.Equal(4, tcp.Count);
            Assert.All(tcp, f => Assert.Contains(f.GetProperty("state").GetString(), new[] { "fin", "time-wait", "close" }));

            // A full table: the second flow of a one-flow virtual is dropped and counted.
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"tiny","type":"performance-l4","protocol":"udp","destination":"10.151.1.100:81","pool":"rs","profiles":[],"clientInterface":"lbc","serverInterface":"lbs","connectionLimit":1}"""));
            const string twoFlows = "import socket\nfor i in range(2):\n s=socket.socket(2,2);s.settimeout(1);s.sendto(b'x',('10.151.1.100',81))\n try: print(s.recv(100).decode())\n except OSError: print('timeout')";
            var lines = (await InNs(Cl, "python3", "-c", twoFlows)).Split('\n');
            Assert.Matches("^rs[12] 10.151.1.2$", lines[0].Trim());
            Assert.Equal("timeout", lines[1].Trim());
            Assert.Equal(1, DataPlaneApi.ErrorCount(await api.VirtualStatusAsync("tiny"), "packet-table-full"));

            // rs1 dies: once its monitor marks it down, new flows all go to rs2.
            rs1.Kill(entireProcessTree: true);
            await WaitMemberDown(api, "10.151.2.2");
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal("rs2 10.151.1.2", await InNs(Cl, "curl", "-s", "--max-time", "5", "http://10.151.1.100/"));
            }
        }
        finally
        {
            foreach (var p in new[] { rs1, rs2 })
            {
                if (p is { HasExited: false })
                {
                    p.Kill(entireProcessTree: true);
                }
                p?.Dispose();
            }
            await TearDown();
        }
    }

    private static async Task WaitMemberDown(ApiClient api, string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var pool = await api.PoolStatusAsync("rs");
            var member = pool.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("address").GetString() == address);
            if (member.GetProperty("status").GetString() == "down")
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"member {address} not down: {member}");
            await Task.Delay(200);
        }
    }

    internal static Process StartIn(string ns, params string[] command)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", ns, .. command])
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info)!;
    }

    internal static async Task<string> InNs(string ns, params string[] command) => (await Shell.Run("ip", ["netns", "exec", ns, .. command])).Trim();

    private static async Task SetUp()
    {
        async Task Ip(params string[] a) => await Shell.Run("ip", a);
        foreach (var ns in new[] { Cl, Lb, Sw, Rs1, Rs2 })
        {
            await Ip("netns", "add", ns);
            await Ip("-n", ns, "link", "set", "lo", "up");
        }
        await Shell.Run("ip", "netns", "exec", Lb, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        // client <-> director
        await Ip("-n", Cl, "link", "add", "c0", "type", "veth", "peer", "name", "lbc", "netns", Lb);
        await Ip("-n", Cl, "addr", "add", "10.151.1.2/24", "dev", "c0");
        await Ip("-n", Lb, "addr", "add", "10.151.1.1/24", "dev", "lbc");
        // director and real servers on one bridge
        await Ip("-n", Sw, "link", "add", "br0", "type", "bridge");
        await Ip("-n", Sw, "link", "set", "br0", "up");
        await Ip("-n", Lb, "link", "add", "lbs", "type", "veth", "peer", "name", "p0", "netns", Sw);
        await Ip("-n", Lb, "addr", "add", "10.151.2.1/24", "dev", "lbs");
        var i = 1;
        foreach (var (ns, address) in new[] { (Rs1, "10.151.2.2"), (Rs2, "10.151.2.3") })
        {
            await Ip("-n", ns, "link", "add", "e0", "type", "veth", "peer", "name", $"p{i}", "netns", Sw);
            await Ip("-n", ns, "addr", "add", address + "/24", "dev", "e0");
            await Ip("-n", ns, "link", "set", "e0", "up");
            await Ip("-n", ns, "route", "add", "default", "via", "10.151.2.1");
            await NoOffload(ns, "e0");
            i++;
        }
        for (var p = 0; p < i; p++)
        {
            await Ip("-n", Sw, "link", "set", $"p{p}", "master", "br0");
            await Ip("-n", Sw, "link", "set", $"p{p}", "up");
        }
        await Ip("-n", Cl, "link", "set", "c0", "up");
        await Ip("-n", Lb, "link", "set", "lbc", "up");
        await Ip("-n", Lb, "link", "set", "lbs", "up");
        await NoOffload(Cl, "c0");
        await NoOffload(Lb, "lbc");
        await NoOffload(Lb, "lbs");
        // management: the test process reaches the API on 10.151.3.1
        await Ip("link", "add", Mgmt, "type", "veth", "peer", "name", "m0", "netns", Lb);
        await Ip("addr", "add", "10.151.3.2/24", "dev", Mgmt);
        await Ip("link", "set", Mgmt, "up");
        await Ip("-n", Lb, "addr", "add", "10.151.3.1/24", "dev", "m0");
        await Ip("-n", Lb, "link", "set", "m0", "up");
    }

    /// <summary>Offloads off (PACKET-NOTES): with TSO/GSO, 64 KB super-frames are cut to the capture length; with tx checksum offload the captured checksum is partial.</summary>
    internal static async Task NoOffload(string ns, string dev) =>
        await Shell.Run("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off");

    private static async Task TearDown()
    {
        foreach (var ns in new[] { Cl, Lb, Sw, Rs1, Rs2 })
        {
            await Shell.Run(false, "ip", "netns", "del", ns);
        }
        await Shell.Run(false, "ip", "link", "del", Mgmt);
    }
}
