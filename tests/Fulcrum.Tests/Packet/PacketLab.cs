using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Packet;

/// <summary>
/// The network namespaces a packet-mode end-to-end test runs in: a client, the director (the real fulcrum process), a
/// bridge, two real servers, and a veth from the test process to the director for the management API (10.N.3.2 →
/// 10.N.3.1). Two layouts: <see cref="TwoSegmentsAsync"/>, where the client has its own link to the director and the
/// director shares the bridge with the members (NAT, FULLNAT), and <see cref="OneBridgeAsync"/>, where all four sit on
/// the bridge (DR, TUN). Names carry the process id so two runs on one host do not meet; a crashed run's leftovers are
/// deleted first. Disposing kills what <see cref="Start"/> started and deletes the namespaces.
/// </summary>
internal sealed class PacketLab : IAsyncDisposable
{
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

    private readonly int _net;
    private readonly string _mgmt;
    private readonly List<Process> _processes = [];
    private readonly TempDir _dir = new();

    private PacketLab(string tag, int net)
    {
        var id = (Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture);
        _net = net;
        (Cl, Lb, Sw, Rs1, Rs2) = ($"{tag}-cl{id}", $"{tag}-lb{id}", $"{tag}-sw{id}", $"{tag}-r1{id}", $"{tag}-r2{id}");
        _mgmt = $"{tag}m{id}";
    }

    public string Cl { get; }
    public string Lb { get; }
    public string Sw { get; }
    public string Rs1 { get; }
    public string Rs2 { get; }

    /// <summary>A directory for the test's scripts and the appliance's data, deleted with the lab.</summary>
    public string Dir => _dir.Path;

    /// <summary>10.N.<paramref name="segment"/>.<paramref name="host"/>: segment 1 the client's, 2 the members' (two segments), 3 management.</summary>
    public string At(int segment, int host) => $"10.{_net}.{segment}.{host}";

    /// <summary>
    /// Client c0 (10.N.1.2) ── lbc (10.N.1.1) director lbs (10.N.2.1) ── bridge ── rs1 e0 (10.N.2.2), rs2 e0 (10.N.2.3).
    /// With <paramref name="routeViaDirector"/> the members' default route is the director (NAT); without, they need none (FULLNAT).
    /// </summary>
    public static async Task<PacketLab> TwoSegmentsAsync(string tag, int net, bool routeViaDirector)
    {
        var lab = await CreateAsync(tag, net);
        try
        {
            await Ip("-n", lab.Cl, "link", "add", "c0", "type", "veth", "peer", "name", "lbc", "netns", lab.Lb);
            await Ip("-n", lab.Cl, "addr", "add", lab.At(1, 2) + "/24", "dev", "c0");
            await Ip("-n", lab.Lb, "addr", "add", lab.At(1, 1) + "/24", "dev", "lbc");
            await Ip("-n", lab.Lb, "link", "add", "lbs", "type", "veth", "peer", "name", "p0", "netns", lab.Sw);
            await Ip("-n", lab.Lb, "addr", "add", lab.At(2, 1) + "/24", "dev", "lbs");
            var i = 1;
            foreach (var (ns, address) in new[] { (lab.Rs1, lab.At(2, 2)), (lab.Rs2, lab.At(2, 3)) })
            {
                await Ip("-n", ns, "link", "add", "e0", "type", "veth", "peer", "name", $"p{i}", "netns", lab.Sw);
                await Ip("-n", ns, "addr", "add", address + "/24", "dev", "e0");
                await Ip("-n", ns, "link", "set", "e0", "up");
                if (routeViaDirector)
                {
                    await Ip("-n", ns, "route", "add", "default", "via", lab.At(2, 1));
                }
                await NoOffload(ns, "e0");
                i++;
            }
            for (var p = 0; p < i; p++)
            {
                await lab.BridgeAsync($"p{p}");
            }
            await Ip("-n", lab.Cl, "link", "set", "c0", "up");
            await Ip("-n", lab.Lb, "link", "set", "lbc", "up");
            await Ip("-n", lab.Lb, "link", "set", "lbs", "up");
            await NoOffload(lab.Cl, "c0");
            await NoOffload(lab.Lb, "lbc");
            await NoOffload(lab.Lb, "lbs");
            await lab.ManagementAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Client e0 (10.N.1.2), director lbs (10.N.1.1), rs1 e0 (10.N.1.11) and rs2 e0 (10.N.1.12) on one bridge;
    /// <paramref name="member"/> then sets each real server up for the method (where it holds the virtual address).
    /// </summary>
    public static async Task<PacketLab> OneBridgeAsync(string tag, int net, Func<string, Task> member)
    {
        var lab = await CreateAsync(tag, net);
        try
        {
            var port = 0;
            foreach (var (ns, dev, address) in new[] { (lab.Cl, "e0", lab.At(1, 2)), (lab.Lb, "lbs", lab.At(1, 1)), (lab.Rs1, "e0", lab.At(1, 11)), (lab.Rs2, "e0", lab.At(1, 12)) })
            {
                await Ip("-n", ns, "link", "add", dev, "type", "veth", "peer", "name", $"p{port}", "netns", lab.Sw);
                await Ip("-n", ns, "addr", "add", address + "/24", "dev", dev);
                await Ip("-n", ns, "link", "set", dev, "up");
                await NoOffload(ns, dev);
                await lab.BridgeAsync($"p{port}");
                port++;
            }
            await member(lab.Rs1);
            await member(lab.Rs2);
            await lab.ManagementAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>A process in <paramref name="ns"/>, killed when the lab is disposed.</summary>
    public Process Start(string ns, params string[] command)
    {
        var process = StartIn(ns, command);
        _processes.Add(process);
        return process;
    }

    /// <summary>The real fulcrum in the director's namespace, its API on 10.N.3.1.</summary>
    public Task<ApplianceProcess> StartApplianceAsync() =>
        ApplianceProcess.StartAsync(Path.Combine(Dir, "data"), launcher: ["ip", "netns", "exec", Lb], host: At(3, 1));

    /// <summary>Four requests from the client to http://<paramref name="vip"/>/ reach both members, each of which saw <paramref name="seen"/>; so does a UDP datagram.</summary>
    public async Task AssertBothMembersAnswerAsync(string vip, string seen)
    {
        var names = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            var answer = await InNs(Cl, "curl", "-s", "--max-time", "5", $"http://{vip}/");
            Assert.EndsWith(" " + seen, answer);
            names.Add(answer.Split(' ')[0]);
        }
        Assert.Equal(["rs1", "rs2"], names.Order());
        await AssertUdpAnswerAsync(vip, seen);
    }

    /// <summary>A UDP datagram from the client to <paramref name="vip"/>:80 is answered by a member that saw <paramref name="seen"/>.</summary>
    public async Task AssertUdpAnswerAsync(string vip, string seen)
    {
        var udp = await InNs(Cl, "python3", "-c", $"import socket;s=socket.socket(2,2);s.settimeout(3);s.sendto(b'x',('{vip}',80));print(s.recv(100).decode())");
        Assert.Matches($"^rs[12] {Regex.Escape(seen)}$", udp.Trim());
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

    /// <summary>Offloads off (PACKET-NOTES): with TSO/GSO, 64 KB super-frames are cut to the capture length; with tx checksum offload the captured checksum is partial.</summary>
    internal static async Task NoOffload(string ns, string dev) =>
        await Shell.Run("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off");

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
            p.Dispose();
        }
        await TearDownAsync();
        _dir.Dispose();
    }

    private static async Task<PacketLab> CreateAsync(string tag, int net)
    {
        var lab = new PacketLab(tag, net);
        await lab.TearDownAsync();
        foreach (var ns in lab.Namespaces)
        {
            await Ip("netns", "add", ns);
            await Ip("-n", ns, "link", "set", "lo", "up");
        }
        // The director forwards nothing itself: every packet that reaches a member went through fulcrum.
        await Shell.Run("ip", "netns", "exec", lab.Lb, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        await Ip("-n", lab.Sw, "link", "add", "br0", "type", "bridge");
        await Ip("-n", lab.Sw, "link", "set", "br0", "up");
        return lab;
    }

    private string[] Namespaces => [Cl, Lb, Sw, Rs1, Rs2];

    private async Task BridgeAsync(string port)
    {
        await Ip("-n", Sw, "link", "set", port, "master", "br0");
        await Ip("-n", Sw, "link", "set", port, "up");
    }

    private async Task ManagementAsync()
    {
        await Ip("link", "add", _mgmt, "type", "veth", "peer", "name", "m0", "netns", Lb);
        await Ip("addr", "add", At(3, 2) + "/24", "dev", _mgmt);
        await Ip("link", "set", _mgmt, "up");
        await Ip("-n", Lb, "addr", "add", At(3, 1) + "/24", "dev", "m0");
        await Ip("-n", Lb, "link", "set", "m0", "up");
    }

    private async Task TearDownAsync()
    {
        foreach (var ns in Namespaces)
        {
            await Shell.Run(false, "ip", "netns", "del", ns);
        }
        await Shell.Run(false, "ip", "link", "del", _mgmt);
    }

    private static Task Ip(params string[] args) => Shell.Run("ip", args);
}
