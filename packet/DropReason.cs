namespace Fulcrum.Packet;

/// <summary>Why the forwarder dropped a packet (counted per virtual server).</summary>
public enum DropReason
{
    /// <summary>A TCP packet other than a SYN for a flow not in the table (expired, or from before a restart).</summary>
    NoFlow,
    /// <summary>The flow table is at its limit.</summary>
    TableFull,
    /// <summary>No member can take a new flow (all down, disabled or at their limit).</summary>
    NoMember,
    /// <summary>The member's MAC address is not resolved yet (an ARP request was sent).</summary>
    NoNeighbour,
    /// <summary>An IP fragment: packet mode does not reassemble.</summary>
    Fragment,
    /// <summary>Not a well-formed IPv4 TCP/UDP frame.</summary>
    Malformed,
    /// <summary>The flow's member went down with reset-on-down: the client got a RST.</summary>
    MemberDown,
    /// <summary>FULLNAT: every local address and port of the snat pool is taken by a flow.</summary>
    SnatExhausted,
}
