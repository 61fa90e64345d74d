using System.Buffers.Binary;

namespace Fulcrum.Packet.Forwarding;

/// <summary>Internet checksums: incremental updates (RFC 1624, eqn. 3) for in-place rewrites, and full sums for packets built here.</summary>
internal static class Checksum
{
    /// <summary>HC' = ~(~HC + ~m + m'): the checksum at <paramref name="at"/> after a 16-bit word changed from <paramref name="old"/> to <paramref name="now"/>.</summary>
    public static void Update16(Span<byte> packet, int at, ushort old, ushort now)
    {
        var hc = BinaryPrimitives.ReadUInt16BigEndian(packet[at..]);
        var sum = (uint)(~hc & 0xffff) + (uint)(~old & 0xffff) + now;
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet[at..], (ushort)~sum);
    }

    public static void Update32(Span<byte> packet, int at, uint old, uint now)
    {
        Update16(packet, at, (ushort)(old >> 16), (ushort)(now >> 16));
        Update16(packet, at, (ushort)old, (ushort)now);
    }

    /// <summary>One's complement sum of <paramref name="data"/> added to <paramref name="sum"/> (not folded).</summary>
    public static uint Sum(ReadOnlySpan<byte> data, uint sum = 0)
    {
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }
        return sum;
    }

    public static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    /// <summary>Writes the IPv4 header checksum of the header at <paramref name="ip"/>.</summary>
    public static void Ipv4Header(Span<byte> frame, int ip, int headerLength)
    {
        frame[ip + 10] = 0;
        frame[ip + 11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(frame[(ip + 10)..], Fold(Sum(frame.Slice(ip, headerLength))));
    }

    /// <summary>Writes the TCP or UDP checksum (pseudo-header included) of the segment at <paramref name="l4"/>.</summary>
    public static void Transport(Span<byte> frame, int ip, int l4, int l4Length, byte protocol)
    {
        var at = l4 + (protocol == 6 ? 16 : 6);
        frame[at] = 0;
        frame[at + 1] = 0;
        var sum = Sum(frame.Slice(ip + 12, 8)) + protocol + (uint)l4Length;
        var c = Fold(Sum(frame.Slice(l4, l4Length), sum));
        BinaryPrimitives.WriteUInt16BigEndian(frame[at..], protocol == 17 && c == 0 ? (ushort)0xffff : c);
    }
}
