using System.Diagnostics;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using static Fulcrum.Tests.Packet.NatEndToEndTests;

namespace Fulcrum.Tests.Packet;

/// <summary>
/// Packet mode TUN end to end: client, director and two real servers on one bridge. The director wraps the client's
/// packets in IPIP (outer source: its server-side address, outer destination: the member); the members hold the
/// virtual address on their tunnel device with ARP suppressed and rp_filter off, decapsulate and answer the client
/// directly.
/// <code>
///  [cl] 10.153.1.2 ─────────────────┐
///  [lb: fulcrum] 10.153.1.1 (lbs) ──┤ bridge [sw]    VIP 10.153.1.100
///  [rs1] 10.153.1.11, VIP on tunl0 ─┤
///  [rs2] 10.153.1.12, VIP on tunl0 ─┘
/// </code>
/// The test kernel has no IPIP module (CONFIG_NET_IPIP unset), so each member's decapsulation is done by
/// <see cref="Decapsulator"/>, what the kernel's <c>tunl0</c> does: a raw socket for IP protocol 4 takes the outer
/// header off and writes the inner packet into a tun device named <c>tunl0</c>, where the kernel receives it as
/// arriving on that device. Everything the director does is what a kernel-decapsulating member would see.
/// </summary>
public sealed class TunEndToEndTests
{
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Cl = "fpt-cl" + Id, Lb = "fpt-lb" + Id, Sw = "fpt-sw" + Id, Rs1 = "fpt-r1" + Id, Rs2 = "fpt-r2" + Id;
    private static readonly string Mgmt = "fptm" + Id;

    private const string Decapsulator = """
import fcntl, os, socket, struct
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tunl0", 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN | IFF_NO_PI
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)  # IPPROTO_IPIP: the outer header comes with the packet
while True:
    p = r.recv(65535); os.write(fd, p[(p[0] & 15) * 4:])
""";

    [RootFact]
    public async Task Tun_TcpAndUdp_ReachBothMembersInIpip_WhichSeeTheClient_AndAnswerItDirectly()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        await TearDown();
        using var dir = new TempDir();
        var script = Path.Combine(dir.Path, "rs.py");
        var decap = Path.Combine(dir.Path, "decap.py");
        await File.WriteAllTextAsync(script, Server);
        await File.WriteAllTextAsync(decap, Decapsulator);
        var processes = new List<Process>();
        try
        {
            await SetUp();
            foreach (var (ns, name) in new[] { (Rs1, "rs1"), (Rs2, "rs2") })
            {
                processes.Add(StartIn(ns, "python3", script, name, "80"));
                processes.Add(StartIn(ns, "python3", decap));
            }
            await using var appliance = await ApplianceProcess.StartAsync(Path.Combine(dir.Path, "data"), launcher: ["ip", "netns", "exec", Lb], host: "10.153.3.1");
            using var api = appliance.Client();
            await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","members":[{"address":"10.153.1.11","port":80},{"address":"10.153.1.12","port":80}]}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.153.1.100:80","pool":"rs","profiles":[],"forwarding":"tun","clientInterface":"lbs","serverInterface":"lbs"}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.153.1.100:80","pool":"rs","profiles":[],"forwarding":"tun","clientInterface":"lbs","serverInterface":"lbs"}"""));
            var web = await api.VirtualStatusAsync("web");
            Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

            var seen = new HashSet<string>();
            for (var i = 0; i < 4; i++)
            {
                var answer = await InNs(Cl, "curl", "-s", "--max-time", "5", "http://10.153.1.100/");
                Assert.EndsWith(" 10.153.1.2", answer);
                seen.Add(answer.Split(' ')[0]);
            }
            Assert.Equal(["rs1", "rs2"], seen.Order());
            var udp = await InNs(Cl, "python3", "-c", "import socket;s=socket.socket(2,2);s.settimeout(3);s.sendto(b'x',('10.153.1.100',80));print(s.recv(100).decode())");
            Assert.Matches("^rs[12] 10.153.1.2$", udp.Trim());

            // The members got IPIP from the director (the decapsulator counts on tunl0's receive counter)…
            foreach (var ns in new[] { Rs1, Rs2 })
            {
                var rx = await InNs(ns, "cat", "/sys/class/net/tunl0/statistics/rx_packets");
                Assert.True(long.Parse(rx, System.Globalization.CultureInfo.InvariantCulture) > 0, ns + " tunl0 rx " + rx);
            }
            // …and replies went straight to the client: the director forwarded client packets only.
            web = await api.VirtualStatusAsync("web");
            Assert.True(web.GetProperty("bytesIn").GetInt64() > 0, web.ToString());
            Assert.Equal(0, web.GetProperty("bytesOut").GetInt64());
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
                p.Dispose();
            }
            await TearDown();
        }
    }

    private static async Task SetUp()
    {
        async Task Ip(params string[] a) => await Shell.Run("ip", a);
        foreach (var ns in new[] { Cl, Lb, Sw, Rs1, Rs2 })
        {
            await Ip("netns", "add", ns);
            await Ip("-n", ns, "link", "set", "lo", "up");
        }
        await Shell.Run("ip", "netns", "exec", Lb, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        await Ip("-n", Sw, "link", "add", "br0", "type", "bridge");
        await Ip("-n", Sw, "link", "set", "br0", "up");
        var port = 0;
        foreach (var (ns, dev, address) in new[] { (Cl, "e0", "10.153.1.2"), (Lb, "lbs", "10.153.1.1"), (Rs1, "e0", "10.153.1.11"), (Rs2, "e0", "10.153.1.12") })
        {
            await Ip("-n", ns, "link", "add", dev, "type", "veth", "peer", "name", $"p{port}", "netns", Sw);
            await Ip("-n", ns, "addr", "add", address + "/24", "dev", dev);
            await Ip("-n", ns, "link", "set", dev, "up");
            await NoOffload(ns, dev);
            await Ip("-n", Sw, "link", "set", $"p{port}", "master", "br0");
            await Ip("-n", Sw, "link", "set", $"p{port}", "up");
            port++;
        }
        foreach (var ns in new[] { Rs1, Rs2 })
        {
            // The member's side of TUN: the virtual address on the tunnel device, never answered or announced by
            // ARP, and no reverse-path check (the client's packets arrive on tunl0, its route is via e0).
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
            await Ip("-n", ns, "tuntap", "add", "dev", "tunl0", "mode", "tun");
            await Ip("-n", ns, "addr", "add", "10.153.1.100/32", "dev", "tunl0");
            await Ip("-n", ns, "link", "set", "tunl0", "up");
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.tunl0.rp_filter=0");
        }
        await Ip("link", "add", Mgmt, "type", "veth", "peer", "name", "m0", "netns", Lb);
        await Ip("addr", "add", "10.153.3.2/24", "dev", Mgmt);
        await Ip("link", "set", Mgmt, "up");
        await Ip("-n", Lb, "addr", "add", "10.153.3.1/24", "dev", "m0");
        await Ip("-n", Lb, "link", "set", "m0", "up");
    }

    private static async Task TearDown()
    {
        foreach (var ns in new[] { Cl, Lb, Sw, Rs1, Rs2 })
        {
            await Shell.Run(false, "ip", "netns", "del", ns);
        }
        await Shell.Run(false, "ip", "link", "del", Mgmt);
    }
}
