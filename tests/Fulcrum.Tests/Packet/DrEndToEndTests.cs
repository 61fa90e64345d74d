using System.Diagnostics;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

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
    [RootFact]
    public async Task Dr_TcpAndUdp_ReachBothMembers_WhichSeeTheClient_AndAnswerItDirectly()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        await using var lab = await PacketLab.OneBridgeAsync("fpd", 152, async ns =>
        {
            // The member's side of DR: the virtual address on lo, never announced or answered by ARP.
            await Shell.Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
            await Shell.Run("ip", "-n", ns, "addr", "add", "10.152.1.100/32", "dev", "lo");
        });
        var script = Path.Combine(lab.Dir, "rs.py");
        await File.WriteAllTextAsync(script, PacketLab.Server);
        lab.Start(lab.Rs1, "python3", script, "rs1", "80");
        lab.Start(lab.Rs2, "python3", script, "rs2", "80");
        await using var appliance = await lab.StartApplianceAsync();
        using var api = appliance.Client();
        await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","members":[{"address":"10.152.1.11","port":80},{"address":"10.152.1.12","port":80}]}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.152.1.100:80","pool":"rs","profiles":[],"forwarding":"dr","clientInterface":"lbs","serverInterface":"lbs"}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.152.1.100:80","pool":"rs","profiles":[],"forwarding":"dr","clientInterface":"lbs","serverInterface":"lbs"}"""));
        var web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

        await lab.AssertBothMembersAnswerAsync("10.152.1.100", "10.152.1.2");

        // Replies went straight to the client: the director forwarded client packets only.
        web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("bytesIn").GetInt64() > 0, web.ToString());
        Assert.Equal(0, web.GetProperty("bytesOut").GetInt64());
    }
}
