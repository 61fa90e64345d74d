using System.Diagnostics;
using System.Net;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using static Fulcrum.Tests.Packet.NatEndToEndTests;

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
    private static readonly string Id = (Environment.ProcessId % 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string Cl = "fpf-cl" + Id, Lb = "fpf-lb" + Id, Sw = "fpf-sw" + Id, Rs1 = "fpf-r1" + Id, Rs2 = "fpf-r2" + Id;
    private static readonly string Mgmt = "fpfm" + Id;

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
        await TearDown();
        using var dir = new TempDir();
        var script = Path.Combine(dir.Path, "rs.py");
        var sniff = Path.Combine(dir.Path, "sniff.py");
        await File.WriteAllTextAsync(script, Server);
        await File.WriteAllTextAsync(sniff, Sniffer);
        var processes = new List<Process>();
        try
        {
            await SetUp();
            processes.Add(StartIn(Rs1, "python3", script, "rs1"));
            processes.Add(StartIn(Rs2, "python3", script, "rs2"));
            var sniffer = StartIn(Rs1, "python3", sniff);
            processes.Add(sniffer);
            Assert.Equal("ready", await sniffer.StandardOutput.ReadLineAsync());
            await using var appliance = await ApplianceProcess.StartAsync(Path.Combine(dir.Path, "data"), launcher: ["ip", "netns", "exec", Lb], host: "10.154.3.1");
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
                var answer = await InNs(Cl, "curl", "-s", "--max-time", "5", "-w", " %{local_port}", "http://10.154.1.100/");
                var parts = answer.Split(' ');
                Assert.True(parts.Length == 3 && parts[1] == "10.154.2.50", answer);
                seen.Add(parts[0]);
                clientPorts.Add(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
            }
            Assert.Equal(["rs1", "rs2"], seen.Order());
            var udp = await InNs(Cl, "python3", "-c", "import socket;s=socket.socket(2,2);s.settimeout(3);s.sendto(b'x',('10.154.1.100',80));print(s.recv(100).decode())");
            Assert.Matches("^rs[12] 10.154.2.50$", udp.Trim());

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
        await Ip("-n", Cl, "link", "add", "c0", "type", "veth", "peer", "name", "lbc", "netns", Lb);
        await Ip("-n", Cl, "addr", "add", "10.154.1.2/24", "dev", "c0");
        await Ip("-n", Lb, "addr", "add", "10.154.1.1/24", "dev", "lbc");
        await Ip("-n", Sw, "link", "add", "br0", "type", "bridge");
        await Ip("-n", Sw, "link", "set", "br0", "up");
        await Ip("-n", Lb, "link", "add", "lbs", "type", "veth", "peer", "name", "p0", "netns", Sw);
        await Ip("-n", Lb, "addr", "add", "10.154.2.1/24", "dev", "lbs");
        var i = 1;
        foreach (var (ns, address) in new[] { (Rs1, "10.154.2.2"), (Rs2, "10.154.2.3") })
        {
            // No route through the director: FULLNAT's replies go to the pool address on the members' own segment.
            await Ip("-n", ns, "link", "add", "e0", "type", "veth", "peer", "name", $"p{i}", "netns", Sw);
            await Ip("-n", ns, "addr", "add", address + "/24", "dev", "e0");
            await Ip("-n", ns, "link", "set", "e0", "up");
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
        await Ip("link", "add", Mgmt, "type", "veth", "peer", "name", "m0", "netns", Lb);
        await Ip("addr", "add", "10.154.3.2/24", "dev", Mgmt);
        await Ip("link", "set", Mgmt, "up");
        await Ip("-n", Lb, "addr", "add", "10.154.3.1/24", "dev", "m0");
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
