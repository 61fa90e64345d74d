namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>
/// A parsed query. The name itself is written by <see cref="DnsParser.Parse"/> into the caller's buffer, lower-cased
/// and dotted, without the final dot; each character stands for one wire byte, so the label starting at character i
/// has its length byte at offset 12 + i of the packet (answers point there to compress owner names).
/// </summary>
public struct DnsQuery
{
    public ushort Id;
    /// <summary>The header's flags word as received (opcode, RD, CD are read from it).</summary>
    public ushort Flags;
    public ushort QType;
    public ushort QClass;
    /// <summary>Characters of the name in the caller's buffer; 0 for the root.</summary>
    public int NameLength;
    /// <summary>False when a label holds a byte outside letters, digits, '-' and '_' (mapped to '?', so it matches no configured name).</summary>
    public bool NameIsHostname;
    /// <summary>Bytes of the question section (from offset 12), copied verbatim into the answer so its case survives (0x20 randomisation).</summary>
    public int QuestionLength;
    public bool HasEdns;
    public byte EdnsVersion;
    /// <summary>The requestor's UDP payload size as sent (RFC 6891 §6.2.3; values under 512 are treated as 512 by the server).</summary>
    public ushort UdpSize;
    /// <summary>The DO bit (DNSSEC OK); this server signs nothing, so it is only echoed.</summary>
    public bool DnssecOk;
    public bool HasClientSubnet;
    public ClientSubnet ClientSubnet;

    public readonly int Opcode => (Flags >> 11) & 0xF;

    public readonly bool RecursionDesired => (Flags & 0x0100) != 0;

    public readonly bool CheckingDisabled => (Flags & 0x0010) != 0;
}
