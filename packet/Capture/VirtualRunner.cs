using System.Net.NetworkInformation;
using System.Net.Sockets;
using Fulcrum.Packet.Balancing;
using Fulcrum.Packet.Forwarding;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Fulcrum.Packet.Capture;

/// <summary>
/// Runs one <see cref="VirtualForwarder"/> on live interfaces with SharpPcap, per PACKET-NOTES: capture handles with
/// immediate mode off, a 1 ms read timeout and a 64 MB buffer, narrow BPF filters on our own MAC (never
/// <c>inbound</c>), separate inject-only handles; one thread per side copying each frame into a reused buffer and
/// rewriting it in place; a housekeeping thread for ARP requests and expiry.
/// </summary>
internal sealed class VirtualRunner : IDisposable
{
    private const int BufferSize = 64 << 20;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<LibPcapLiveDevice> _devices = [];
    private readonly List<Thread> _threads = [];
    private readonly LibPcapLiveDevice _clientCapture;
    private readonly LibPcapLiveDevice _serverCapture;
    private readonly LibPcapLiveDevice _clientInject;
    private readonly LibPcapLiveDevice _serverInject;
    private readonly uint _serverIp;

    public VirtualRunner(PacketVirtual config, IFlowBalancer balancer)
    {
        var client = Interface(config.ClientInterface);
        var server = Interface(config.ServerInterface);
        _serverIp = server.GetIPProperties().UnicastAddresses.Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork).Select(a => Frames.Ip(a.Address)).FirstOrDefault();
        if (_serverIp == 0)
        {
            throw new InvalidOperationException($"interface {config.ServerInterface} has no IPv4 address to send ARP requests for members from");
        }
        var clientMac = Frames.MacOf(client.GetPhysicalAddress());
        var serverMac = Frames.MacOf(server.GetPhysicalAddress());
        Forwarder = new VirtualForwarder(config, balancer, clientMac, serverMac, _serverIp);
        var vip = config.Destination.Address;
        var proto = config.Protocol == PacketProtocol.Tcp ? "tcp" : "udp";
        var vipHex = "0x" + Frames.Ip(vip).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var clientFilter = $"(ether dst {Frames.MacText(clientMac)} and dst host {vip} and {proto} dst port {config.Destination.Port})"
            + $" or (arp and arp[6:2] = 1 and arp[24:4] = {vipHex})";
        var serverFilter = $"(arp and ether dst {Frames.MacText(serverMac)})";
        foreach (var a in config.Forwarding == PacketForwarding.FullNat ? config.SnatAddresses : [])
        {
            // Members ask for FULLNAT's local addresses (on no kernel interface): the forwarder answers.
            serverFilter += $" or (arp and arp[6:2] = 1 and arp[24:4] = 0x{Frames.Ip(a):x8})";
        }
        if (config.Forwarding is PacketForwarding.Nat or PacketForwarding.FullNat && config.Members.Count > 0)
        {
            serverFilter += " or (ether dst " + Frames.MacText(serverMac) + " and (" + string.Join(" or ", config.Members.Select(m => $"(src host {m.Address} and {proto} src port {m.Port})")) + "))";
        }
        _clientCapture = Open(config.ClientInterface, clientFilter, capture: true);
        _serverCapture = Open(config.ServerInterface, serverFilter, capture: true);
        _clientInject = Open(config.ClientInterface, "less 1", capture: false);
        _serverInject = Open(config.ServerInterface, "less 1", capture: false);
        foreach (var m in config.Members)
        {
            Forwarder.Neighbours.Want(Frames.Ip(m.Address));
        }
        Start("client", () => Pump(_clientCapture, client: true));
        Start("server", () => Pump(_serverCapture, client: false));
        Start("housekeeping", Housekeeping);
    }

    public VirtualForwarder Forwarder { get; }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var t in _threads)
        {
            t.Join(TimeSpan.FromSeconds(2));
        }
        foreach (var d in _devices)
        {
            d.Close();
        }
        Forwarder.Table.Clear();
    }

    private static NetworkInterface Interface(string name) =>
        NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(i => i.Name == name)
        ?? throw new InvalidOperationException($"interface {name} does not exist");

    private LibPcapLiveDevice Open(string name, string filter, bool capture)
    {
        // A fresh list each time: the same interface is opened several times (capture and inject handles).
        var device = LibPcapLiveDeviceList.New()[name] ?? throw new InvalidOperationException($"libpcap does not see interface {name}");
        device.Open(new DeviceConfiguration
        {
            Mode = DeviceModes.None,
            ReadTimeout = 1,
            Immediate = false,
            BufferSize = capture ? BufferSize : 1 << 20,
            Snaplen = 65535,
        });
        device.Filter = filter;
        _devices.Add(device);
        return device;
    }

    private void Start(string side, Action body)
    {
        var t = new Thread(() => body()) { IsBackground = true, Name = $"packet {Forwarder.Config.Name} {side}" };
        _threads.Add(t);
        t.Start();
    }

    private void Pump(LibPcapLiveDevice capture, bool client)
    {
        var buffer = new byte[65536];
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            if (capture.GetNextPacket(out var packet) != GetPacketStatus.PacketRead)
            {
                continue;
            }
            var data = packet.Data;
            var length = Math.Min(data.Length, buffer.Length);
            data[..length].CopyTo(buffer);
            var now = Environment.TickCount64;
            var verdict = client ? Forwarder.HandleClient(buffer, ref length, now) : Forwarder.HandleServer(buffer, ref length, now);
            if (verdict == Verdict.ToServer)
            {
                _serverInject.SendPacket(buffer.AsSpan(0, length));
            }
            else if (verdict == Verdict.ToClient)
            {
                _clientInject.SendPacket(buffer.AsSpan(0, length));
            }
        }
    }

    private void Housekeeping()
    {
        var frame = new byte[64];
        var token = _stop.Token;
        var lastRefresh = 0L;
        while (!token.WaitHandle.WaitOne(100))
        {
            var now = Environment.TickCount64;
            if (now - lastRefresh >= 10_000)
            {
                // Members' MACs are re-asked every 10 s (a member replaced at the same address is learnt again).
                lastRefresh = now;
                foreach (var m in Forwarder.Config.Members)
                {
                    Forwarder.Neighbours.Want(Frames.Ip(m.Address));
                }
            }
            foreach (var ip in Forwarder.Neighbours.TakeWanted())
            {
                var n = Frames.ArpRequest(frame, Forwarder.ServerMac, _serverIp, ip);
                _serverInject.SendPacket(frame.AsSpan(0, n));
            }
            if (now / 1000 != (now - 100) / 1000)
            {
                Forwarder.Expire(now);
            }
        }
    }
}
