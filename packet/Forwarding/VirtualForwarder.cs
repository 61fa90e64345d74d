using System.Collections.Concurrent;
using Fulcrum.Packet.Balancing;
using static Fulcrum.Packet.Forwarding.Frames;

namespace Fulcrum.Packet.Forwarding;

/// <summary>What to do with a frame after <see cref="VirtualForwarder"/> handled it (rewritten in place).</summary>
public enum Verdict
{
    Drop,
    /// <summary>Send on the server-side interface.</summary>
    ToServer,
    /// <summary>Send on the client-side interface (a reply, an ARP answer, a RST).</summary>
    ToClient,
}

/// <summary>
/// One performance-l4 virtual server's forwarding, independent of how frames are captured: a client-side frame
/// (to the virtual address) is matched to its flow or starts one (a member picked through
/// <see cref="IFlowBalancer"/>), then rewritten in place — NAT: destination address and port to the member's, with
/// incremental checksums (RFC 1624); DR: only the MACs — and a server-side frame (a NAT member's reply) is mapped back
/// to the virtual address. ARP for the virtual address is answered here, member MACs are learnt here. Each side is
/// called from one thread; nothing is allocated per packet (one object per new flow).
/// </summary>
public sealed class VirtualForwarder
{
    private readonly PacketVirtual _config;
    private readonly IFlowBalancer _balancer;
    private readonly uint _vip;
    private readonly ushort _port;
    private readonly byte _protocol;
    private readonly bool _nat;
    private readonly bool _tun;
    private readonly bool _fullnat;
    private readonly SnatPorts? _snat;
    private readonly uint _serverIp;
    private readonly ConcurrentDictionary<string, MemberCounters> _members = new(StringComparer.Ordinal);

    /// <param name="serverIp">The server-side interface's IPv4 address: the outer source of TUN's IPIP packets.</param>
    public VirtualForwarder(PacketVirtual config, IFlowBalancer balancer, ulong clientMac, ulong serverMac, uint serverIp = 0)
    {
        _config = config;
        _balancer = balancer;
        _vip = Ip(config.Destination.Address);
        _port = (ushort)config.Destination.Port;
        _protocol = (byte)config.Protocol;
        _nat = config.Forwarding == PacketForwarding.Nat;
        _tun = config.Forwarding == PacketForwarding.Tun;
        _fullnat = config.Forwarding == PacketForwarding.FullNat;
        _serverIp = serverIp;
        ClientMac = clientMac;
        ServerMac = serverMac;
        if (_fullnat)
        {
            _snat = new SnatPorts([.. config.SnatAddresses.Select(Ip)], config.SnatPortFirst, config.SnatPortLast);
        }
        Table = new FlowTable(config.TableLimit, config.Timeouts, _snat);
        foreach (var m in config.Members)
        {
            _members[m.ToString()] = new MemberCounters();
        }
    }

    public PacketVirtual Config => _config;

    public ulong ClientMac { get; }

    public ulong ServerMac { get; }

    public VirtualCounters Counters { get; } = new();

    internal FlowTable Table { get; }

    internal Neighbours Neighbours { get; } = new();

    public IReadOnlyDictionary<string, MemberCounters> Members => _members;

    public int ActiveFlows => Table.Count;

    /// <summary>A frame captured on the client side (its destination MAC is ours, or an ARP request for the virtual address).</summary>
    public Verdict HandleClient(Span<byte> f, ref int length, long now)
    {
        if (length < Ethernet + 20)
        {
            return length >= 42 && U16(f, 12) == TypeArp ? AnswerArp(f, ref length) : Malformed();
        }
        var type = U16(f, 12);
        if (type == TypeArp)
        {
            return AnswerArp(f, ref length);
        }
        if (type != TypeIpv4 || (f[Ethernet] >> 4) != 4)
        {
            return Malformed();
        }
        var ihl = (f[Ethernet] & 0xf) * 4;
        var l4 = Ethernet + ihl;
        if (ihl < 20 || f[Ethernet + 9] != _protocol || length < l4 + (_protocol == 6 ? 20 : 8))
        {
            return Malformed();
        }
        if ((U16(f, Ethernet + 6) & 0x3fff) != 0)
        {
            Counters.Drop(DropReason.Fragment);
            return Verdict.Drop;
        }
        if (U32(f, Ethernet + 16) != _vip || U16(f, l4 + 2) != _port)
        {
            return Verdict.Drop;
        }
        var clientIp = U32(f, Ethernet + 12);
        var clientPort = U16(f, l4);
        var flags = _protocol == 6 ? f[l4 + 13] : (byte)0;
        var key = FlowTable.KeyOf(clientIp, clientPort, _protocol);
        var flow = Table.Find(key);
        if (flow is not null && _config.ResetOnMemberDown && !flow.Member.IsUp)
        {
            Table.Remove(flow);
            Counters.Drop(DropReason.MemberDown);
            if (_protocol == 6)
            {
                return (flags & Rst) != 0 ? Verdict.Drop : Reset(f, ref length, ihl, l4, flags);
            }
            flow = null;
        }
        if (flow is null)
        {
            if (_protocol == 6 && (flags & (Syn | Ack | Rst)) != Syn)
            {
                Counters.Drop(DropReason.NoFlow);
                return Verdict.Drop;
            }
            flow = Open(f, key, clientIp, clientPort, now);
            if (flow is null)
            {
                return Verdict.Drop;
            }
        }
        else if (_protocol == 6)
        {
            ClientFlags(flow, flags, now);
        }
        else
        {
            Table.Touch(flow, TcpState.Udp, now);
        }
        if (!Neighbours.TryGet(flow.MemberIp, out var mac))
        {
            Neighbours.Want(flow.MemberIp);
            Counters.Drop(DropReason.NoNeighbour);
            return Verdict.Drop;
        }
        if (_nat)
        {
            Checksum.Update32(f, Ethernet + 10, _vip, flow.MemberIp);
            Put32(f, Ethernet + 16, flow.MemberIp);
            var sum = l4 + (_protocol == 6 ? 16 : 6);
            if (_protocol == 6 || U16(f, sum) != 0)
            {
                Checksum.Update32(f, sum, _vip, flow.MemberIp);
                Checksum.Update16(f, sum, _port, flow.MemberPort);
                if (_protocol == 17 && U16(f, sum) == 0)
                {
                    Put16(f, sum, 0xffff);
                }
            }
            Put16(f, l4 + 2, flow.MemberPort);
        }
        else if (_tun && !Encapsulate(f, ref length, flow.MemberIp))
        {
            return Malformed();
        }
        else if (_fullnat)
        {
            Rewrite(f, l4, clientIp, clientPort, _vip, _port, flow.SnatIp, flow.SnatPort, flow.MemberIp, flow.MemberPort);
            if ((flags & (Syn | Ack)) == Syn)
            {
                AddToa(f, ref length, ihl, l4, clientIp, clientPort);
            }
        }
        WriteMac(f, mac);
        WriteMac(f[6..], ServerMac);
        Counters.PacketsIn++;
        Counters.BytesIn += length;
        flow.Counters.PacketsIn++;
        flow.Counters.BytesIn += length;
        flow.Packets++;
        flow.Bytes += length;
        return Verdict.ToServer;
    }

    /// <summary>A frame captured on the server side: ARP replies (member MACs) and, with NAT, members' replies.</summary>
    public Verdict HandleServer(Span<byte> f, ref int length, long now)
    {
        if (length >= 42 && U16(f, 12) == TypeArp)
        {
            if (U16(f, 20) == 2)
            {
                Neighbours.Learn(U32(f, 28), ReadMac(f[22..]));
            }
            else if (_snat is not null && U16(f, 20) == 1 && IsSnat(U32(f, 38)))
            {
                // FULLNAT's local addresses are on no kernel interface: members learn them from us.
                return ArpReply(f, ref length, ServerMac, U32(f, 38)) ? Verdict.ToServer : Verdict.Drop;
            }
            return Verdict.Drop;
        }
        if (!(_nat || _fullnat) || length < Ethernet + 28 || U16(f, 12) != TypeIpv4 || (f[Ethernet] >> 4) != 4)
        {
            return Verdict.Drop;
        }
        var ihl = (f[Ethernet] & 0xf) * 4;
        var l4 = Ethernet + ihl;
        if (ihl < 20 || f[Ethernet + 9] != _protocol || length < l4 + (_protocol == 6 ? 20 : 8))
        {
            return Verdict.Drop;
        }
        if ((U16(f, Ethernet + 6) & 0x3fff) != 0)
        {
            Counters.Drop(DropReason.Fragment);
            return Verdict.Drop;
        }
        var flow = _fullnat
            ? Table.FindReply(FlowTable.KeyOf(U32(f, Ethernet + 16), U16(f, l4 + 2), _protocol))
            : Table.Find(FlowTable.KeyOf(U32(f, Ethernet + 16), U16(f, l4 + 2), _protocol));
        var memberIp = U32(f, Ethernet + 12);
        var memberPort = U16(f, l4);
        if (flow is null || flow.MemberIp != memberIp || flow.MemberPort != memberPort)
        {
            return Verdict.Drop;
        }
        if (_protocol == 6)
        {
            ServerFlags(flow, f[l4 + 13], now);
        }
        else
        {
            Table.Touch(flow, TcpState.Udp, now);
        }
        if (_fullnat)
        {
            Rewrite(f, l4, memberIp, memberPort, flow.SnatIp, flow.SnatPort, _vip, _port, flow.ClientIp, flow.ClientPort);
        }
        else
        {
            SnatBack(f, l4, memberIp, memberPort);
        }
        WriteMac(f, flow.ClientMac);
        WriteMac(f[6..], ClientMac);
        Counters.PacketsOut++;
        Counters.BytesOut += length;
        flow.Counters.PacketsOut++;
        flow.Counters.BytesOut += length;
        return Verdict.ToClient;
    }

    private void SnatBack(Span<byte> f, int l4, uint memberIp, ushort memberPort)
    {
        Checksum.Update32(f, Ethernet + 10, memberIp, _vip);
        Put32(f, Ethernet + 12, _vip);
        var sum = l4 + (_protocol == 6 ? 16 : 6);
        if (_protocol == 6 || U16(f, sum) != 0)
        {
            Checksum.Update32(f, sum, memberIp, _vip);
            Checksum.Update16(f, sum, memberPort, _port);
            if (_protocol == 17 && U16(f, sum) == 0)
            {
                Put16(f, sum, 0xffff);
            }
        }
        Put16(f, l4, _port);
    }

    /// <summary>Both ends of an IPv4 TCP/UDP packet rewritten in place, with incremental checksums (FULLNAT, each way).</summary>
    private void Rewrite(Span<byte> f, int l4, uint srcIp, ushort srcPort, uint dstIp, ushort dstPort, uint newSrcIp, ushort newSrcPort, uint newDstIp, ushort newDstPort)
    {
        Checksum.Update32(f, Ethernet + 10, srcIp, newSrcIp);
        Checksum.Update32(f, Ethernet + 10, dstIp, newDstIp);
        Put32(f, Ethernet + 12, newSrcIp);
        Put32(f, Ethernet + 16, newDstIp);
        var sum = l4 + (_protocol == 6 ? 16 : 6);
        if (_protocol == 6 || U16(f, sum) != 0)
        {
            Checksum.Update32(f, sum, srcIp, newSrcIp);
            Checksum.Update32(f, sum, dstIp, newDstIp);
            Checksum.Update16(f, sum, srcPort, newSrcPort);
            Checksum.Update16(f, sum, dstPort, newDstPort);
            if (_protocol == 17 && U16(f, sum) == 0)
            {
                Put16(f, sum, 0xffff);
            }
        }
        Put16(f, l4, newSrcPort);
        Put16(f, l4 + 2, newDstPort);
    }

    /// <summary>
    /// FULLNAT's TOA (LVS's TCP option 254, length 8: the client's port, then its IPv4 address) put first among the
    /// SYN's options (before any end-of-list), the rest moved 8 bytes down; data offset, lengths and checksums
    /// updated incrementally (an 8-byte shift keeps the 16-bit words' sum). A SYN whose header has no room (over 52
    /// bytes) goes without it and is counted.
    /// </summary>
    private void AddToa(Span<byte> f, ref int length, int ihl, int l4, uint clientIp, ushort clientPort)
    {
        var ipLength = U16(f, Ethernet + 2);
        var end = Ethernet + ipLength;
        var offset = (f[l4 + 12] >> 4) * 4;
        if (offset + 8 > 60 || end > length || end + 8 > f.Length)
        {
            Interlocked.Increment(ref Counters.ToaMissing);
            return;
        }
        var option = l4 + 20;
        f[option..end].CopyTo(f[(option + 8)..]);
        var sum = l4 + 16;
        var word = U16(f, l4 + 12);
        f[l4 + 12] = (byte)((offset + 8) / 4 << 4 | (f[l4 + 12] & 0x0f));
        Checksum.Update16(f, sum, word, U16(f, l4 + 12));
        var tcpLength = (ushort)(ipLength - ihl);
        Checksum.Update16(f, sum, tcpLength, (ushort)(tcpLength + 8));
        f[option] = 254;
        f[option + 1] = 8;
        Put16(f, option + 2, clientPort);
        Put32(f, option + 4, clientIp);
        Checksum.Update16(f, sum, 0, U16(f, option));
        Checksum.Update16(f, sum, 0, clientPort);
        Checksum.Update32(f, sum, 0, clientIp);
        Put16(f, Ethernet + 2, (ushort)(ipLength + 8));
        Checksum.Update16(f, Ethernet + 10, ipLength, (ushort)(ipLength + 8));
        length = end + 8;
    }

    private bool IsSnat(uint ip)
    {
        foreach (var a in _snat!.Addresses)
        {
            if (a == ip)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Removes flows past their timeouts (called about once a second off the packet threads).</summary>
    public int Expire(long now) => Table.Expire(now);

    /// <summary>A snapshot of the flow table (the connections API).</summary>
    public IReadOnlyList<FlowView> Flows(long now) =>
        [.. Table.Flows.Select(f => new FlowView(
            _config.Protocol == PacketProtocol.Tcp ? "tcp" : "udp",
            f.State,
            Math.Max(0, (Volatile.Read(ref f.Expires) - now) / 1000),
            $"{Address(f.ClientIp)}:{f.ClientPort}",
            _config.Destination.ToString(),
            f.Member.Key,
            f.Packets,
            f.Bytes))];

    private Flow? Open(Span<byte> f, ulong key, uint clientIp, ushort clientPort, long now)
    {
        var flow = Table.Rent();
        if (flow is null)
        {
            Counters.Drop(DropReason.TableFull);
            return null;
        }
        if (_snat is not null)
        {
            if (!_snat.TryTake(out flow.SnatIp, out flow.SnatPort))
            {
                Table.Return(flow);
                Counters.Drop(DropReason.SnatExhausted);
                return null;
            }
        }
        var member = _balancer.Pick(new FlowRequest(_config.Name, Address(clientIp), clientPort));
        if (member is null)
        {
            _snat?.Give(flow.SnatIp, flow.SnatPort);
            Table.Return(flow);
            Counters.Drop(DropReason.NoMember);
            return null;
        }
        flow.Key = key;
        flow.ClientIp = clientIp;
        flow.ClientPort = clientPort;
        flow.ClientMac = ReadMac(f[6..]);
        flow.Member = member;
        flow.MemberIp = Ip(member.EndPoint.Address);
        flow.MemberPort = (ushort)member.EndPoint.Port;
        flow.Counters = _members.GetOrAdd(member.Key, _ => new MemberCounters());
        flow.Created = now;
        Table.Touch(flow, _protocol == 6 ? TcpState.Syn : TcpState.Udp, now);
        member.FlowOpened();
        Counters.Flows++;
        flow.Counters.Flows++;
        Table.Add(flow);
        return flow;
    }

    private void ClientFlags(Flow flow, byte flags, long now)
    {
        if ((flags & Rst) != 0)
        {
            Table.Touch(flow, TcpState.Close, now);
        }
        else if ((flags & Fin) != 0 || flow.ClientFin)
        {
            flow.ClientFin = true;
            Table.Touch(flow, flow.ServerFin ? TcpState.TimeWait : TcpState.Fin, now);
        }
        else if (flow.State == TcpState.Syn && (flags & (Syn | Ack)) == Ack)
        {
            Table.Touch(flow, TcpState.Established, now);
        }
        else
        {
            Table.Touch(flow, flow.State, now);
        }
    }

    private void ServerFlags(Flow flow, byte flags, long now)
    {
        if ((flags & Rst) != 0)
        {
            Table.Touch(flow, TcpState.Close, now);
        }
        else if ((flags & Fin) != 0 || flow.ServerFin)
        {
            flow.ServerFin = true;
            Table.Touch(flow, flow.ClientFin ? TcpState.TimeWait : TcpState.Fin, now);
        }
        else
        {
            Table.Touch(flow, flow.State, now);
        }
    }

    private Verdict AnswerArp(Span<byte> f, ref int length)
    {
        // Only requests (op 1) for the virtual address: the box answers for it since no kernel interface holds it.
        if (U16(f, 20) != 1 || U32(f, 38) != _vip)
        {
            return Verdict.Drop;
        }
        ArpReply(f, ref length, ClientMac, _vip);
        return Verdict.ToClient;
    }

    /// <summary>Turns the ARP request in <paramref name="f"/> into our reply: <paramref name="ip"/> is at <paramref name="mac"/>.</summary>
    private bool ArpReply(Span<byte> f, ref int length, ulong mac, uint ip)
    {
        var requesterMac = ReadMac(f[22..]);
        var requesterIp = U32(f, 28);
        WriteMac(f, requesterMac);
        WriteMac(f[6..], mac);
        Put16(f, 20, 2);
        WriteMac(f[22..], mac);
        Put32(f, 28, ip);
        WriteMac(f[32..], requesterMac);
        Put32(f, 38, requesterIp);
        length = 42;
        Interlocked.Increment(ref Counters.ArpReplies);
        return true;
    }

    /// <summary>Turns the client's segment into a RST back to it (its flow's member went down, reset-on-down).</summary>
    private Verdict Reset(Span<byte> f, ref int length, int ihl, int l4, byte flags)
    {
        var src = U32(f, Ethernet + 12);
        var sport = U16(f, l4);
        var seq = U32(f, l4 + 4);
        var ack = U32(f, l4 + 8);
        var payload = U16(f, Ethernet + 2) - ihl - (f[l4 + 12] >> 4) * 4;
        var peerMac = ReadMac(f[6..]);
        WriteMac(f, peerMac);
        WriteMac(f[6..], ClientMac);
        var ip = Ethernet;
        f[ip] = 0x45;
        f[ip + 1] = 0;
        Put16(f, ip + 2, 40);
        Put16(f, ip + 4, 0);
        Put16(f, ip + 6, 0x4000);
        f[ip + 8] = 64;
        f[ip + 9] = 6;
        Put32(f, ip + 12, _vip);
        Put32(f, ip + 16, src);
        Checksum.Ipv4Header(f, ip, 20);
        var t = ip + 20;
        Put16(f, t, _port);
        Put16(f, t + 2, sport);
        if ((flags & Ack) != 0)
        {
            Put32(f, t + 4, ack);
            Put32(f, t + 8, 0);
            f[t + 13] = Rst;
        }
        else
        {
            Put32(f, t + 4, 0);
            Put32(f, t + 8, seq + (uint)payload + ((flags & (Syn | Fin)) != 0 ? 1u : 0u));
            f[t + 13] = Rst | Ack;
        }
        f[t + 12] = 5 << 4;
        Put16(f, t + 14, 0);
        Put16(f, t + 18, 0);
        Checksum.Transport(f, ip, t, 20, 6);
        length = t + 20;
        return Verdict.ToClient;
    }

    /// <summary>
    /// TUN: IPIP (RFC 2003) in place — the client's IP packet moves 20 bytes down and an outer header from the
    /// server-side address to the member goes in front (TOS and DF copied from the inner header, TTL 64). False when
    /// the frame has no room for it.
    /// </summary>
    private bool Encapsulate(Span<byte> f, ref int length, uint memberIp)
    {
        var inner = U16(f, Ethernet + 2);
        if (inner < 20 || Ethernet + inner > length || Ethernet + 20 + inner > f.Length || inner + 20 > ushort.MaxValue)
        {
            return false;
        }
        f.Slice(Ethernet, inner).CopyTo(f[(Ethernet + 20)..]);
        var ip = Ethernet;
        f[ip] = 0x45;
        f[ip + 1] = f[ip + 20 + 1];
        Put16(f, ip + 2, (ushort)(inner + 20));
        Put16(f, ip + 4, 0);
        Put16(f, ip + 6, (ushort)(U16(f, ip + 20 + 6) & 0x4000));
        f[ip + 8] = 64;
        f[ip + 9] = 4;
        Put32(f, ip + 12, _serverIp);
        Put32(f, ip + 16, memberIp);
        Checksum.Ipv4Header(f, ip, 20);
        length = Ethernet + 20 + inner;
        return true;
    }

    private Verdict Malformed()
    {
        Counters.Drop(DropReason.Malformed);
        return Verdict.Drop;
    }
}
