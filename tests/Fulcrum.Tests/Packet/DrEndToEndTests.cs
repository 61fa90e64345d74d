using System.Diagnostics;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using static Fulcrum.Tests.Packet.NatEndToEndTests;

namespace Fulcrum.Tests.Packet;

/// <summary>
/// Packet mode DR end to end: client, director and two real servers on one bridge (the shared L2 segment DR needs).
/// The real servers hold the virtual address on <c>lo</c> with ARP suppressed (arp_ignore=1, arp_announce=2), so only
/// the forwarder answers ARP for it; it rewrites only the destination MAC, and the servers answer the client directly.
/// <code>
///  [cl] 10.152.1.2 ─┐
///  [lb: fulcrum] 10.152.1.1 (lbs) ─┤ bridge [sw]    VIP 10.152.1.100
///  [rs1] 10.152.1.11 + VIP on lo ──┤
///  [rs2] 10.152.1.12 + VIP on lo ──┘
/// </code>
/// </summary>
public sealed class DrEndToEndTests
{
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Cl = "fpd-cl" + Id, Lb = "fpd-lb" + Id, Sw = "fpd-sw" + Id, Rs1 = "fpd-r1" + Id, Rs2 = "fpd-r2" + Id;
    private static readonly string Mgmt = "fpdm" + Id;

    [RootFact]
    public async Task Dr_TcpAndUdp_ReachBothMembers_WhichSeeTheClient_AndAnswerItDirectly()
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
            rs1 = StartIn(Rs1, "python3", script, "rs1", "80");
            rs2 = StartIn(Rs2, "python3", script, "rs2", "80");
            await using var appliance = await ApplianceProcess.StartAsync(Path.Combine(dir.Path, "data"), launcher: ["ip", "netns", "exec", Lb], host: "10.152.3.1");
            using var api = appliance.Client();
            await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","members":[{"address":"10.152.1.11","port":80},{"address":"10.152.1.12","port":80}]}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.152.1.100:80","pool":"rs","profiles":[],"forwarding":"dr","clientInterface":"lbs","serverInterface":"lbs"}"""));
            await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.152.1.100:80","pool":"rs","profiles":[],"forwarding":"dr","clientInterface":"lbs","serverInterface":"lbs"}"""));
            var web = await api.VirtualStatusAsync("web");
            Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

            var seen = new HashSet<string>();
            for (var i = 0; i < 4; i++)
            {
                var answer = await InNs(Cl, "curl", "-s", "--max-time", "5", "http://10.152.1.100/");
                Assert.EndsWith(" 10.152.1.2", answer);
                seen.Add(answer.Split(' ')[0]);
            }
            Assert.Equal(["rs1", "rs2"], seen.Order());
            var udp = await InNs(Cl, "python3", "-c", "import socket;s=socket.socket(2,2);s.settimeout(3);s.sendto(b'x',('10.152.1.100',80));print(s.recv(100).decode())");
            Assert.Matches("^rs[12] 10.152.1.2$", udp.Trim());

            // Replies went straight to the client: the director forwarded client packets only.
            web = await api.VirtualStatusAsync("web");
            Assert.True(web.GetProperty("bytesIn").GetInt64() > 0, web.ToString());
            Assert.Equal(0, web.GetProperty("bytesOut").GetInt64());
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
        foreach (var (ns, dev, address) in new[] { (Cl, "e0", "10.152.1.2"), (Lb, "lbs", "10.152.1.1"), (Rs1, "e0", "10.152.1.11"), (Rs2, "e0", "10.152.1.12") })
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
            // The member's side of DR: the virtual address on lo, never announced or answered by ARP.
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
            await Ip("-n", ns, "addr", "add", "10.152.1.100/32", "dev", "lo");
        }
        await Ip("link", "add", Mgmt, "type", "veth", "peer", "name", "m0", "netns", Lb);
        await Ip("addr", "add", "10.152.3.2/24", "dev", Mgmt);
        await Ip("link", "set", Mgmt, "up");
        await Ip("-n", Lb, "addr", "add", "10.152.3.1/24", "dev", "m0");
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
