namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>
/// Why a query was not accepted. <see cref="Ok"/> and <see cref="NotImplemented"/> are answered; every other value means
/// the packet is dropped without a reply (a malformed packet answered is an amplifier and a reflector) and counted.
/// </summary>
public enum DnsParseResult
{
    Ok,
    /// <summary>Well-formed, but an opcode other than QUERY: answered NOTIMP with the header only.</summary>
    NotImplemented,
    /// <summary>Shorter than its header or than a section it announces.</summary>
    Truncated,
    /// <summary>QR set: a response, never answered (no reflection loops between servers).</summary>
    NotAQuery,
    /// <summary>QDCOUNT other than 1, or answer / authority records in a query.</summary>
    BadCounts,
    /// <summary>A label longer than 63 bytes, or the reserved label types 0x40 / 0x80.</summary>
    BadLabel,
    /// <summary>A name longer than 255 bytes on the wire.</summary>
    NameTooLong,
    /// <summary>A compression pointer in the question (nothing precedes it to point at), pointing forward or at itself, or too many hops.</summary>
    BadPointer,
    /// <summary>More than one OPT record, or an OPT record whose owner is not the root.</summary>
    BadOpt,
    /// <summary>An EDNS Client Subnet option that breaks RFC 7871 §6 (family, prefix lengths, address length, bits past the prefix).</summary>
    BadClientSubnet,
    /// <summary>Bytes after the last record the counts announce.</summary>
    TrailingData,
}
