namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>
/// An EDNS Client Subnet option (RFC 7871) as sent in a query: family 1 (IPv4) or 2 (IPv6), the source prefix length
/// and the address, left-aligned in <see cref="High"/>:<see cref="Low"/> (an IPv4 address in the top 32 bits of High),
/// so a prefix match is two masked compares and needs no <see cref="System.Net.IPAddress"/>.
/// </summary>
public readonly record struct ClientSubnet(ushort Family, byte SourcePrefix, ulong High, ulong Low)
{
    public bool IsIPv4 => Family == 1;

    /// <summary>The subnet as text, e.g. <c>192.0.2.0/24</c>.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        var address = new System.Net.IPAddress(IsIPv4 ? bytes[..4] : bytes);
        return $"{address}/{SourcePrefix}";
    }
}
