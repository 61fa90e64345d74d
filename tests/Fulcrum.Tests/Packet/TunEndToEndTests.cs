using System.Diagnostics;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

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
        await using var lab = await PacketLab.OneBridgeAsync("fpt", 153, async ns =>
        {
            // The member's side of TUN: the virtual address on the tunnel device, never answered or announced by
            // ARP, and no reverse-path check (the client's packets arrive on tunl0, its route is via e0).
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
            await Shell.Run("ip", "-n", ns, "tuntap", "add", "dev", "tunl0", "mode", "tun");
            await Shell.Run("ip", "-n", ns, "addr", "add", "10.153.1.100/32", "dev", "tunl0");
            await Shell.Run("ip", "-n", ns, "link", "set", "tunl0", "up");
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.tunl0.rp_filter=0");
        });
        var script = Path.Combine(lab.Dir, "rs.py");
        var decap = Path.Combine(lab.Dir, "decap.py");
        await File.WriteAllTextAsync(script, PacketLab.Server);
        await File.WriteAllTextAsync(decap, Decapsulator);
        foreach (var (ns, name) in new[] { (lab.Rs1, "rs1"), (lab.Rs2, "rs2") })
        {
            lab.Start(ns, "python3", script, name, "80");
            lab.Start(ns, "python3", decap);
        }
        await using var appliance = await lab.StartApplianceAsync();
        using var api = appliance.Client();
        await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","members":[{"address":"10.153.1.11","port":80},{"address":"10.153.1.12","port":80}]}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.153.1.100:80","pool":"rs","profiles":[],"forwarding":"tun","clientInterface":"lbs","serverInterface":"lbs"}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.153.1.100:80","pool":"rs","profiles":[],"forwarding":"tun","clientInterface":"lbs","serverInterface":"lbs"}"""));
        var web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

        await lab.AssertBothMembersAnswerAsync("10.153.1.100", "10.153.1.2");

        // The members got IPIP from the director (the decapsulator counts on tunl0's receive counter)…
        foreach (var ns in new[] { lab.Rs1, lab.Rs2 })
        {
            var rx = await PacketLab.InNs(ns, "cat", "/sys/class/net/tunl0/statistics/rx_packets");
            Assert.True(long.Parse(rx, System.Globalization.CultureInfo.InvariantCulture) > 0, ns + " tunl0 rx " + rx);
        }
        // …and replies went straight to the client: the director forwarded client packets only.
        web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("bytesIn").GetInt64() > 0, web.ToString());
        Assert.Equal(0, web.GetProperty("bytesOut").GetInt64());
    }
}
