using Fulcrum.Packet.Balancing;

namespace Fulcrum.Packet.Forwarding;

/// <summary>
/// One tracked flow: the client's address and port (the virtual's address, port and protocol are the forwarder's),
/// the member it was given, its state and when it expires.
/// </summary>
internal sealed class Flow
{
    public ulong Key;
    public uint ClientIp;
    public ushort ClientPort;
    public ulong ClientMac;
    public IFlowMember Member = null!;
    public MemberCounters Counters = null!;
    public uint MemberIp;
    public ushort MemberPort;
    /// <summary>FULLNAT: the local address and port the flow is sourced from toward the member (0 otherwise).</summary>
    public uint SnatIp;
    public ushort SnatPort;
    public TcpState State;
    public bool ClientFin;
    public bool ServerFin;
    /// <summary><see cref="Environment.TickCount64"/> after which the flow is gone.</summary>
    public long Expires;
    public long Created;
    public long Packets;
    public long Bytes;
}
