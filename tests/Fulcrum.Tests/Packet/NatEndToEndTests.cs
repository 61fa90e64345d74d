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
    [RootFact]
    public async Task Nat_TcpAndUdp_ReachBothMembers_WhichSeeTheClient_AndAKilledMemberIsAvoided()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        await using var lab = await PacketLab.TwoSegmentsAsync("fpk", 151, routeViaDirector: true);
        var script = Path.Combine(lab.Dir, "rs.py");
        await File.WriteAllTextAsync(script, PacketLab.Server);
        var rs1 = lab.Start(lab.Rs1, "python3", script, "rs1");
        lab.Start(lab.Rs2, "python3", script, "rs2");
        await using var appliance = await lab.StartApplianceAsync();
        using var api = appliance.Client();
        await DataPlaneApi.Ok(api.Post("/api/v1/monitors", """{"name":"fast","type":"tcp","interval":1,"timeout":3}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","monitors":["fast"],"members":[{"address":"10.151.2.2","port":8080},{"address":"10.151.2.3","port":8080}]}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.151.1.100:80","pool":"rs","profiles":[],"forwarding":"nat","clientInterface":"lbc","serverInterface":"lbs"}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.151.1.100:80","pool":"rs","profiles":[],"clientInterface":"lbc","serverInterface":"lbs"}"""));
        var web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

        await lab.AssertBothMembersAnswerAsync("10.151.1.100", "10.151.1.2");

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
        var lines = (await PacketLab.InNs(lab.Cl, "python3", "-c", twoFlows)).Split('\n');
        Assert.Matches("^rs[12] 10.151.1.2$", lines[0].Trim());
        Assert.Equal("timeout", lines[1].Trim());
        Assert.Equal(1, DataPlaneApi.ErrorCount(await api.VirtualStatusAsync("tiny"), "packet-table-full"));

        // rs1 dies: once its monitor marks it down, new flows all go to rs2.
        rs1.Kill(entireProcessTree: true);
        await WaitMemberDown(api, "10.151.2.2");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("rs2 10.151.1.2", await PacketLab.InNs(lab.Cl, "curl", "-s", "--max-time", "5", "http://10.151.1.100/"));
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
}
