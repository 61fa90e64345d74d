namespace Fulcrum.Appliance.Stats;

/// <summary>A performance-l4 virtual server's packet counters (docs/PACKET.md); "in" is client to member, "out" member to client.</summary>
public sealed class PacketVirtualStatus
{
    /// <summary><c>nat | dr | tun | fullnat</c>.</summary>
    public required string Forwarding { get; set; }
    public long PacketsIn { get; set; }
    public long PacketsOut { get; set; }
    /// <summary>FULLNAT SYNs forwarded without TOA (no room left among their TCP options).</summary>
    public long ToaNoSpace { get; set; }
    public List<PacketMemberStatus> Members { get; set; } = [];
}

/// <summary>One member's share of a packet-mode virtual server's traffic.</summary>
public sealed class PacketMemberStatus
{
    /// <summary><c>address:port</c>.</summary>
    public required string Member { get; set; }
    /// <summary>Flows opened toward the member since the forwarder started.</summary>
    public long Connections { get; set; }
    public long PacketsIn { get; set; }
    public long BytesIn { get; set; }
    public long PacketsOut { get; set; }
    public long BytesOut { get; set; }
}
