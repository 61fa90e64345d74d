using System.Diagnostics;
using System.Net;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Packet;

/// <summary>
/// Packet mode FULLNAT end to end: the director rewrites both ends (client → a local address and port from
/// <c>snatPool</c>, virtual → member), so members need no route through it and see the pool address; replies come
/// back to the local pair and are mapped to the client. The client's address rides in TOA on the SYN: a sniffer on
/// rs1 (an AF_PACKET socket, as tcpdump would) hands the SYNs it sees to the test, which reads the option.
/// <code>
///  [cl] 10.154.1.2 ── [lb: fulcrum] lbc 10.154.1.1 | lbs 10.154.2.1 ── bridge ── [rs1] 10.154.2.2, [rs2] 10.154.2.3
///  VIP 10.154.1.100 (answered by the forwarder), snatPool 10.154.2.50 (answered by the forwarder on lbs)
/// </code>
/// </summary>
public sealed class FullNatEndToEndTests
{
    // Prints every TCP SYN (not SYN-ACK) to port 8080 seen on e0, as hex of the whole frame.
    private const string Sniffer = """
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)); s.bind(("e0", 0))
print("ready", flush=True)
while True:
    f = s.recv(65535)
    if f[12:14] != b"\x08\x00" or f[23] != 6: continue
    t = 14 + (f[14] & 15) * 4
    if f[t+2:t+4] == (8080).to_bytes(2, "big") and f[t+13] & 0x12 == 0x02: print(f.hex(), flush=True)
""";

    [RootFact]
    public async Task FullNat_TcpAndUdp_ReachBothMembers_WhichSeeThePoolAddress_AndTheSynCarriesTheClientInToa()
    {
        Assert.True(RootFactAttribute.IsRoot, "this test needs root: it creates network namespaces");
        // No route through the director: FULLNAT's replies go to the pool address on the members' own segment.
        await using var lab = await PacketLab.TwoSegmentsAsync("fpf", 154, routeViaDirector: false);
        var script = Path.Combine(lab.Dir, "rs.py");
        var sniff = Path.Combine(lab.Dir, "sniff.py");
        await File.WriteAllTextAsync(script, PacketLab.Server);
        await File.WriteAllTextAsync(sniff, Sniffer);
        lab.Start(lab.Rs1, "python3", script, "rs1");
        lab.Start(lab.Rs2, "python3", script, "rs2");
        var sniffer = lab.Start(lab.Rs1, "python3", sniff);
        Assert.Equal("ready", await sniffer.StandardOutput.ReadLineAsync());
        await using var appliance = await lab.StartApplianceAsync();
        using var api = appliance.Client();
        await DataPlaneApi.Ok(api.Post("/api/v1/pools", """{"name":"rs","members":[{"address":"10.154.2.2","port":8080},{"address":"10.154.2.3","port":8080}]}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"web","type":"performance-l4","destination":"10.154.1.100:80","pool":"rs","profiles":[],"forwarding":"fullnat","snatPool":["10.154.2.50"],"clientInterface":"lbc","serverInterface":"lbs"}"""));
        await DataPlaneApi.Ok(api.Post("/api/v1/virtuals", """{"name":"dns","type":"performance-l4","protocol":"udp","destination":"10.154.1.100:80","pool":"rs","profiles":[],"forwarding":"fullnat","snatPool":["10.154.2.50"],"clientInterface":"lbc","serverInterface":"lbs"}"""));
        var web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("state").GetString() == "forwarding", web.ToString());

        var seen = new HashSet<string>();
        var clientPorts = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var answer = await PacketLab.InNs(lab.Cl, "curl", "-s", "--max-time", "5", "-w", " %{local_port}", "http://10.154.1.100/");
            var parts = answer.Split(' ');
            Assert.True(parts.Length == 3 && parts[1] == "10.154.2.50", answer);
            seen.Add(parts[0]);
            clientPorts.Add(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(["rs1", "rs2"], seen.Order());
        await lab.AssertUdpAnswerAsync("10.154.1.100", "10.154.2.50");

        // rs1's SYNs came from the pool address and carried the client's address and port in TOA.
        sniffer.Kill(entireProcessTree: true);
        var syns = (await sniffer.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(syns);
        foreach (var hex in syns)
        {
            var frame = Convert.FromHexString(hex.Trim());
            Assert.Equal(IPAddress.Parse("10.154.2.50"), new IPAddress(frame.AsSpan(26, 4)));
            var toa = VirtualForwarderTests.Toa(frame);
            Assert.NotNull(toa);
            Assert.Equal(IPAddress.Parse("10.154.1.2"), toa.Value.Address);
            Assert.Contains(toa.Value.Port, clientPorts);
        }

        web = await api.VirtualStatusAsync("web");
        Assert.True(web.GetProperty("bytesIn").GetInt64() > 0 && web.GetProperty("bytesOut").GetInt64() > 0, web.ToString());

        // Per member, both ways, in /api/v1/status and /metrics.
        var packet = web.GetProperty("packet");
        Assert.Equal("fullnat", packet.GetProperty("forwarding").GetString());
        Assert.True(packet.GetProperty("packetsIn").GetInt64() > 0 && packet.GetProperty("packetsOut").GetInt64() > 0, packet.ToString());
        var members = packet.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(["10.154.2.2:8080", "10.154.2.3:8080"], members.Select(m => m.GetProperty("member").GetString()));
        Assert.Equal(4, members.Sum(m => m.GetProperty("connections").GetInt64()));
        Assert.All(members, m => Assert.True(
            m.GetProperty("connections").GetInt64() > 0 && m.GetProperty("packetsIn").GetInt64() > 0 && m.GetProperty("bytesIn").GetInt64() > 0
            && m.GetProperty("packetsOut").GetInt64() > 0 && m.GetProperty("bytesOut").GetInt64() > 0, m.ToString()));
        var metrics = (await api.Get("/metrics")).Text;
        foreach (var m in members)
        {
            var labels = $"{{virtual=\"web\",member=\"{m.GetProperty("member").GetString()}\"}}";
            Assert.Contains($"fulcrum_packet_member_connections_total{labels} {m.GetProperty("connections").GetInt64()}", metrics);
            Assert.Contains($"fulcrum_packet_member_packets_in_total{labels} ", metrics);
            Assert.Contains($"fulcrum_packet_member_bytes_out_total{labels} ", metrics);
        }
        Assert.Contains("fulcrum_packet_virtual_drops_total{virtual=\"web\",reason=\"snat-exhausted\"} 0", metrics);
    }
}
