using System.Net;
using System.Net.NetworkInformation;
using Fulcrum.Packet;
using Fulcrum.Packet.Balancing;
using Fulcrum.Packet.Forwarding;
using PacketDotNet;
using TcpState = Fulcrum.Packet.TcpState;

namespace Fulcrum.Tests.Packet;

/// <summary>
/// The forwarder's packet logic on frames built with PacketDotNet (no capture, no root): NAT rewrites with checksums
/// PacketDotNet accepts, DR touches only MACs, ARP for the virtual address, the table's limit, expiry and states,
/// and a down member's flows per the reset setting.
/// </summary>
public sealed class VirtualForwarderTests
{
    private const ulong ClientSideMac = 0x02_00_00_00_01_01;
    private const ulong ServerSideMac = 0x02_00_00_00_02_01;
    private const ulong ClientMac = 0x02_00_00_00_01_02;
    private const ulong MemberMac = 0x02_00_00_00_02_02;
    private static readonly IPAddress Vip = IPAddress.Parse("10.99.1.100");
    private static readonly IPAddress Client = IPAddress.Parse("10.99.1.2");
    private static readonly IPEndPoint Member1 = new(IPAddress.Parse("10.99.2.2"), 8080);
    private static readonly IPEndPoint Member2 = new(IPAddress.Parse("10.99.2.3"), 8080);

    private sealed class Members(params IPEndPoint[] endpoints) : IFlowBalancer
    {
        public List<TestMember> All { get; } = [.. endpoints.Select(e => new TestMember(e))];
        private int _next;

        public event Action<IFlowMember>? MemberDown;

        public IFlowMember? Pick(in FlowRequest request)
        {
            for (var i = 0; i < All.Count; i++)
            {
                var m = All[_next++ % All.Count];
                if (m.IsUp)
                {
                    return m;
                }
            }
            return null;
        }

        public void Down(TestMember m)
        {
            m.IsUp = false;
            MemberDown?.Invoke(m);
        }
    }

    private sealed class TestMember(IPEndPoint endpoint) : IFlowMember
    {
        public int Flows;
        public string Key => EndPoint.ToString();
        public IPEndPoint EndPoint { get; } = endpoint;
        public bool IsUp { get; set; } = true;
        public void FlowOpened() => Flows++;
        public void FlowClosed() => Flows--;
    }

    private static PhysicalAddress Mac(ulong mac) => new([.. BitConverter.GetBytes(mac).Take(6).Reverse()]);

    private static readonly IPAddress Snat = IPAddress.Parse("10.99.2.50");

    private static VirtualForwarder Forwarder(Members members, PacketProtocol protocol = PacketProtocol.Tcp, PacketForwarding forwarding = PacketForwarding.Nat, int limit = 100, bool reset = false, ushort snatPorts = 1000)
    {
        var config = new PacketVirtual
        {
            Name = "v",
            Destination = new IPEndPoint(Vip, 80),
            Protocol = protocol,
            Forwarding = forwarding,
            ClientInterface = "c",
            ServerInterface = "s",
            Members = [.. members.All.Select(m => m.EndPoint)],
            TableLimit = limit,
            ResetOnMemberDown = reset,
            SnatAddresses = forwarding == PacketForwarding.FullNat ? [Snat] : [],
            SnatPortFirst = 5000,
            SnatPortLast = (ushort)(5000 + snatPorts - 1),
        };
        var f = new VirtualForwarder(config, members, ClientSideMac, ServerSideMac, 0x0a_63_02_01);
        foreach (var m in members.All)
        {
            // The member's ARP reply, as the server side captures it.
            var arp = new EthernetPacket(Mac(MemberMac), Mac(ServerSideMac), EthernetType.Arp)
            {
                PayloadPacket = new ArpPacket(ArpOperation.Response, Mac(ServerSideMac), IPAddress.Parse("10.99.2.1"), Mac(MemberMac), m.EndPoint.Address),
            };
            var bytes = arp.Bytes;
            var n = bytes.Length;
            Assert.Equal(Verdict.Drop, f.HandleServer(bytes, ref n, 0));
        }
        return f;
    }

    private static byte[] Tcp(IPAddress src, int sport, IPAddress dst, int dport, bool syn, bool ack, ulong srcMac = ClientMac, ulong dstMac = ClientSideMac, string payload = "", bool fin = false, bool rst = false)
    {
        var tcp = new TcpPacket((ushort)sport, (ushort)dport) { Synchronize = syn, Acknowledgment = ack, Finished = fin, Reset = rst, SequenceNumber = 1000, AcknowledgmentNumber = ack ? 5000u : 0, WindowSize = 1000 };
        if (payload.Length > 0)
        {
            tcp.PayloadData = System.Text.Encoding.ASCII.GetBytes(payload);
        }
        var ip = new IPv4Packet(src, dst) { PayloadPacket = tcp, TimeToLive = 64 };
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return new EthernetPacket(Mac(srcMac), Mac(dstMac), EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
    }

    private static byte[] Udp(IPAddress src, int sport, IPAddress dst, int dport, ulong srcMac = ClientMac, ulong dstMac = ClientSideMac)
    {
        var udp = new UdpPacket((ushort)sport, (ushort)dport) { PayloadData = "ping"u8.ToArray() };
        var ip = new IPv4Packet(src, dst) { PayloadPacket = udp, TimeToLive = 64 };
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return new EthernetPacket(Mac(srcMac), Mac(dstMac), EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
    }

    private static (EthernetPacket Eth, IPv4Packet Ip) Parse(byte[] frame, int length)
    {
        var eth = (EthernetPacket)PacketDotNet.Packet.ParsePacket(LinkLayers.Ethernet, frame[..length]);
        return (eth, (IPv4Packet)eth.PayloadPacket);
    }

    [Fact]
    public void Nat_RewritesDestinationToTheMember_AndTheReplyBack_WithValidChecksums()
    {
        var members = new Members(Member1);
        var f = Forwarder(members);
        var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
        var n = syn.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(syn, ref n, 0));
        var (eth, ip) = Parse(syn, n);
        var tcp = (TcpPacket)ip.PayloadPacket;
        Assert.Equal(Member1.Address, ip.DestinationAddress);
        Assert.Equal(Client, ip.SourceAddress);
        Assert.Equal(8080, tcp.DestinationPort);
        Assert.True(ip.ValidIPChecksum);
        Assert.True(tcp.ValidTcpChecksum);
        Assert.Equal(Mac(MemberMac), eth.DestinationHardwareAddress);
        Assert.Equal(Mac(ServerSideMac), eth.SourceHardwareAddress);
        Assert.Equal(1, members.All[0].Flows);

        var synAck = Tcp(Member1.Address, 8080, Client, 40000, syn: true, ack: true, srcMac: MemberMac, dstMac: ServerSideMac, payload: "hello");
        n = synAck.Length;
        Assert.Equal(Verdict.ToClient, f.HandleServer(synAck, ref n, 0));
        (eth, ip) = Parse(synAck, n);
        tcp = (TcpPacket)ip.PayloadPacket;
        Assert.Equal(Vip, ip.SourceAddress);
        Assert.Equal(80, tcp.SourcePort);
        Assert.True(ip.ValidIPChecksum);
        Assert.True(tcp.ValidTcpChecksum);
        Assert.Equal(Mac(ClientMac), eth.DestinationHardwareAddress);
        Assert.Equal(Mac(ClientSideMac), eth.SourceHardwareAddress);
        Assert.Equal(1, f.Counters.InPackets);
        Assert.Equal(1, f.Counters.OutPackets);

        var ack = Tcp(Client, 40000, Vip, 80, syn: false, ack: true);
        n = ack.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(ack, ref n, 0));
        Assert.Equal(TcpState.Established, Assert.Single(f.Flows(0)).State);

        // A reply from another source for that client is not ours: not rewritten.
        var stray = Tcp(Member2.Address, 8080, Client, 40000, syn: false, ack: true, srcMac: MemberMac, dstMac: ServerSideMac);
        n = stray.Length;
        Assert.Equal(Verdict.Drop, f.HandleServer(stray, ref n, 0));
    }

    [Fact]
    public void Nat_Udp_RequestAndResponse_AndChecksums()
    {
        var f = Forwarder(new Members(Member1), PacketProtocol.Udp);
        var req = Udp(Client, 5353, Vip, 80);
        var n = req.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(req, ref n, 0));
        var (_, ip) = Parse(req, n);
        Assert.Equal(Member1.Address, ip.DestinationAddress);
        Assert.True(((UdpPacket)ip.PayloadPacket).ValidUdpChecksum);
        var resp = Udp(Member1.Address, 8080, Client, 5353, MemberMac, ServerSideMac);
        n = resp.Length;
        Assert.Equal(Verdict.ToClient, f.HandleServer(resp, ref n, 0));
        (_, ip) = Parse(resp, n);
        Assert.Equal(Vip, ip.SourceAddress);
        Assert.Equal(80, ((UdpPacket)ip.PayloadPacket).SourcePort);
        Assert.True(((UdpPacket)ip.PayloadPacket).ValidUdpChecksum);
        Assert.Equal(TcpState.Udp, Assert.Single(f.Flows(0)).State);
    }

    [Fact]
    public void Dr_ChangesOnlyTheMacs()
    {
        var f = Forwarder(new Members(new IPEndPoint(Member1.Address, 80)), forwarding: PacketForwarding.Dr);
        var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
        var before = (byte[])syn.Clone();
        var n = syn.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(syn, ref n, 0));
        Assert.Equal(before[12..], syn[12..]);
        var (eth, _) = Parse(syn, n);
        Assert.Equal(Mac(MemberMac), eth.DestinationHardwareAddress);
        Assert.Equal(Mac(ServerSideMac), eth.SourceHardwareAddress);
    }

    [Fact]
    public void Tun_EncapsulatesTheClientsPacketInIpip_FromTheServerSideAddressToTheMember()
    {
        var f = Forwarder(new Members(new IPEndPoint(Member1.Address, 80)), forwarding: PacketForwarding.Tun);
        var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
        var original = syn[14..];
        var frame = new byte[syn.Length + 20];
        syn.CopyTo(frame, 0);
        var n = syn.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(frame, ref n, 0));
        Assert.Equal(syn.Length + 20, n);
        var (eth, outer) = Parse(frame, n);
        Assert.Equal(Mac(MemberMac), eth.DestinationHardwareAddress);
        Assert.Equal(Mac(ServerSideMac), eth.SourceHardwareAddress);
        Assert.Equal(PacketDotNet.ProtocolType.IPv4, outer.Protocol);
        Assert.Equal(IPAddress.Parse("10.99.2.1"), outer.SourceAddress);
        Assert.Equal(Member1.Address, outer.DestinationAddress);
        Assert.True(outer.ValidIPChecksum);
        Assert.Equal(original.Length + 20, outer.TotalLength);
        // The inner packet is the client's, byte for byte: the member sees the client and the virtual address.
        Assert.Equal(original, frame[34..n]);

        var small = Tcp(Client, 40001, Vip, 80, syn: true, ack: false);
        n = small.Length;
        Assert.Equal(Verdict.Drop, f.HandleClient(small, ref n, 0));
        Assert.Equal(1, f.Counters.Dropped(DropReason.Malformed));
    }

    [Fact]
    public void FullNat_RewritesBothEnds_CarriesTheClientInToaOnTheSyn_AndMapsRepliesBack()
    {
        var f = Forwarder(new Members(Member1), forwarding: PacketForwarding.FullNat);
        var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
        var frame = new byte[syn.Length + 8];
        syn.CopyTo(frame, 0);
        var n = syn.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(frame, ref n, 0));
        Assert.Equal(syn.Length + 8, n);
        var (eth, ip) = Parse(frame, n);
        var tcp = (TcpPacket)ip.PayloadPacket;
        Assert.Equal(Mac(MemberMac), eth.DestinationHardwareAddress);
        Assert.Equal(Snat, ip.SourceAddress);
        Assert.Equal(5000, tcp.SourcePort);
        Assert.Equal(Member1.Address, ip.DestinationAddress);
        Assert.Equal(8080, tcp.DestinationPort);
        Assert.True(ip.ValidIPChecksum);
        Assert.True(tcp.ValidTcpChecksum);
        Assert.True(tcp.Synchronize);
        var toa = Toa(frame.AsSpan(0, n));
        Assert.NotNull(toa);
        Assert.Equal((Client, 40000), toa.Value);

        // The member's SYN-ACK to the local address and port comes back from the virtual address to the client.
        var synAck = Tcp(Member1.Address, 8080, Snat, 5000, syn: true, ack: true, srcMac: MemberMac, dstMac: ServerSideMac);
        n = synAck.Length;
        Assert.Equal(Verdict.ToClient, f.HandleServer(synAck, ref n, 0));
        (eth, ip) = Parse(synAck, n);
        tcp = (TcpPacket)ip.PayloadPacket;
        Assert.Equal(Mac(ClientMac), eth.DestinationHardwareAddress);
        Assert.Equal(Vip, ip.SourceAddress);
        Assert.Equal(80, tcp.SourcePort);
        Assert.Equal(Client, ip.DestinationAddress);
        Assert.Equal(40000, tcp.DestinationPort);
        Assert.True(ip.ValidIPChecksum);
        Assert.True(tcp.ValidTcpChecksum);

        // Later segments are rewritten the same way, without TOA.
        var ack = Tcp(Client, 40000, Vip, 80, syn: false, ack: true, payload: "GET /");
        n = ack.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(ack, ref n, 0));
        Assert.Equal(ack.Length, n);
        (_, ip) = Parse(ack, n);
        Assert.Equal(Snat, ip.SourceAddress);
        Assert.True(((TcpPacket)ip.PayloadPacket).ValidTcpChecksum);
        Assert.Null(Toa(ack.AsSpan(0, n)));
    }

    [Fact]
    public void FullNat_Udp_RewritesBothEnds_AndMembersArpForTheLocalAddressIsAnswered()
    {
        var f = Forwarder(new Members(Member1), protocol: PacketProtocol.Udp, forwarding: PacketForwarding.FullNat);
        var request = Udp(Client, 40000, Vip, 80);
        var n = request.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(request, ref n, 0));
        var (_, ip) = Parse(request, n);
        Assert.Equal(Snat, ip.SourceAddress);
        Assert.True(((UdpPacket)ip.PayloadPacket).ValidUdpChecksum);
        var reply = Udp(Member1.Address, 8080, Snat, 5000, srcMac: MemberMac, dstMac: ServerSideMac);
        n = reply.Length;
        Assert.Equal(Verdict.ToClient, f.HandleServer(reply, ref n, 0));
        (_, ip) = Parse(reply, n);
        Assert.Equal(Vip, ip.SourceAddress);
        Assert.Equal(Client, ip.DestinationAddress);
        Assert.True(((UdpPacket)ip.PayloadPacket).ValidUdpChecksum);

        var arp = new EthernetPacket(Mac(MemberMac), PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"), EthernetType.Arp)
        {
            PayloadPacket = new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"), Snat, Mac(MemberMac), Member1.Address),
        }.Bytes;
        n = arp.Length;
        Assert.Equal(Verdict.ToServer, f.HandleServer(arp, ref n, 0));
        var answer = (ArpPacket)((EthernetPacket)PacketDotNet.Packet.ParsePacket(LinkLayers.Ethernet, arp[..n])).PayloadPacket;
        Assert.Equal(ArpOperation.Response, answer.Operation);
        Assert.Equal(Snat, answer.SenderProtocolAddress);
        Assert.Equal(Mac(ServerSideMac), answer.SenderHardwareAddress);
    }

    [Fact]
    public void FullNat_PortExhaustion_IsCountedAsADropReason_AndAnExpiredFlowGivesItsPortBack()
    {
        var f = Forwarder(new Members(Member1), forwarding: PacketForwarding.FullNat, snatPorts: 2);
        for (var port = 40000; port < 40003; port++)
        {
            var syn = Tcp(Client, port, Vip, 80, syn: true, ack: false);
            var frame = new byte[syn.Length + 8];
            syn.CopyTo(frame, 0);
            var n = syn.Length;
            Assert.Equal(port < 40002 ? Verdict.ToServer : Verdict.Drop, f.HandleClient(frame, ref n, 0));
        }
        Assert.Equal(1, f.Counters.Dropped(DropReason.SnatExhausted));
        Assert.Equal(2, f.ActiveFlows);
        f.Expire(61_000);
        var again = Tcp(Client, 40003, Vip, 80, syn: true, ack: false);
        var buffer = new byte[again.Length + 8];
        again.CopyTo(buffer, 0);
        var length = again.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(buffer, ref length, 61_000));
        Assert.Equal(1, f.Counters.Dropped(DropReason.SnatExhausted));
    }

    [Fact]
    public void FullNat_SynWithoutRoomForToa_IsForwardedWithoutIt_AndCounted()
    {
        var f = Forwarder(new Members(Member1), forwarding: PacketForwarding.FullNat);
        var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
        var n = syn.Length;
        Assert.Equal(Verdict.ToServer, f.HandleClient(syn, ref n, 0));
        Assert.Equal(syn.Length, n);
        Assert.Equal(1, f.Counters.ToaNoSpace);
        Assert.True(((TcpPacket)Parse(syn, n).Ip.PayloadPacket).ValidTcpChecksum);
    }

    /// <summary>The TOA option (kind 254, length 8: port, IPv4) among a frame's TCP options, as a member's toa module reads it.</summary>
    internal static (IPAddress Address, int Port)? Toa(ReadOnlySpan<byte> frame)
    {
        var l4 = 14 + (frame[14] & 0xf) * 4;
        var end = l4 + (frame[l4 + 12] >> 4) * 4;
        for (var i = l4 + 20; i < end;)
        {
            if (frame[i] == 0)
            {
                break;
            }
            if (frame[i] == 1)
            {
                i++;
                continue;
            }
            if (frame[i] == 254 && frame[i + 1] == 8)
            {
                return (new IPAddress(frame.Slice(i + 4, 4)), frame[i + 2] << 8 | frame[i + 3]);
            }
            i += Math.Max(2, (int)frame[i + 1]);
        }
        return null;
    }

    [Fact]
    public void ArpForTheVirtualAddress_IsAnsweredWithTheClientSideMac()
    {
        var f = Forwarder(new Members(Member1));
        var request = new EthernetPacket(Mac(ClientMac), PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"), EthernetType.Arp)
        {
            PayloadPacket = new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"), Vip, Mac(ClientMac), Client),
        }.Bytes;
        var n = request.Length;
        Assert.Equal(Verdict.ToClient, f.HandleClient(request, ref n, 0));
        var eth = (EthernetPacket)PacketDotNet.Packet.ParsePacket(LinkLayers.Ethernet, request[..n]);
        var arp = (ArpPacket)eth.PayloadPacket;
        Assert.Equal(ArpOperation.Response, arp.Operation);
        Assert.Equal(Vip, arp.SenderProtocolAddress);
        Assert.Equal(Mac(ClientSideMac), arp.SenderHardwareAddress);
        Assert.Equal(Client, arp.TargetProtocolAddress);
        Assert.Equal(Mac(ClientMac), eth.DestinationHardwareAddress);
    }

    [Fact]
    public void FullTable_IsCounted_NonSynWithoutFlow_IsDropped_AndFlowsExpire()
    {
        var members = new Members(Member1, Member2);
        var f = Forwarder(members, limit: 2);
        for (var port = 40000; port < 40003; port++)
        {
            var syn = Tcp(Client, port, Vip, 80, syn: true, ack: false);
            var n = syn.Length;
            f.HandleClient(syn, ref n, 0);
        }
        Assert.Equal(2, f.ActiveFlows);
        Assert.Equal(1, f.Counters.Dropped(DropReason.TableFull));
        Assert.Equal(1, members.All[0].Flows);
        Assert.Equal(1, members.All[1].Flows);

        var ack = Tcp(Client, 41000, Vip, 80, syn: false, ack: true);
        var m = ack.Length;
        Assert.Equal(Verdict.Drop, f.HandleClient(ack, ref m, 0));
        Assert.Equal(1, f.Counters.Dropped(DropReason.NoFlow));

        // SYN state lives 60 s by default.
        Assert.Equal(0, f.Expire(59_000));
        Assert.Equal(2, f.Expire(60_000));
        Assert.Equal(0, f.ActiveFlows);
        Assert.Equal(0, members.All[0].Flows);
    }

    [Fact]
    public void MemberDown_KeepsFlows_OrResetsThem_PerTheSetting()
    {
        foreach (var reset in new[] { false, true })
        {
            var members = new Members(Member1, Member2);
            var f = Forwarder(members, reset: reset);
            var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
            var n = syn.Length;
            f.HandleClient(syn, ref n, 0);
            members.Down(members.All[0]);
            var data = Tcp(Client, 40000, Vip, 80, syn: false, ack: true, payload: "GET /");
            n = data.Length;
            var verdict = f.HandleClient(data, ref n, 0);
            if (!reset)
            {
                Assert.Equal(Verdict.ToServer, verdict);
                Assert.Equal(Member1.Address, Parse(data, n).Ip.DestinationAddress);
                continue;
            }
            Assert.Equal(Verdict.ToClient, verdict);
            var (_, ip) = Parse(data, n);
            var rst = (TcpPacket)ip.PayloadPacket;
            Assert.True(rst.Reset);
            Assert.Equal(5000u, rst.SequenceNumber);
            Assert.Equal(Vip, ip.SourceAddress);
            Assert.True(ip.ValidIPChecksum);
            Assert.True(rst.ValidTcpChecksum);
            Assert.Equal(0, f.ActiveFlows);
            Assert.Equal(1, f.Counters.Dropped(DropReason.MemberDown));
            // New flows go to the member still up.
            syn = Tcp(Client, 40001, Vip, 80, syn: true, ack: false);
            n = syn.Length;
            f.HandleClient(syn, ref n, 0);
            Assert.Equal(Member2.Address, Parse(syn, n).Ip.DestinationAddress);
        }
    }

    [Fact]
    public void Fragments_AreCounted_AndUnknownMemberMacsAskForArp()
    {
        var f = new VirtualForwarder(new PacketVirtual { Name = "v", Destination = new IPEndPoint(Vip, 80), ClientInterface = "c", ServerInterface = "s" }, new Members(Member1), ClientSideMac, ServerSideMac);
        var syn = Tcp(Client, 40000, Vip, 80, syn: true, ack: false);
        var n = syn.Length;
        Assert.Equal(Verdict.Drop, f.HandleClient(syn, ref n, 0));
        Assert.Equal(1, f.Counters.Dropped(DropReason.NoNeighbour));
        Assert.Equal([Fulcrum.Packet.Forwarding.Frames.Ip(Member1.Address)], f.Neighbours.TakeWanted());

        var frag = Tcp(Client, 40001, Vip, 80, syn: true, ack: false);
        frag[14 + 6] = 0x20; // more fragments
        n = frag.Length;
        Assert.Equal(Verdict.Drop, f.HandleClient(frag, ref n, 0));
        Assert.Equal(1, f.Counters.Dropped(DropReason.Fragment));
    }
}
