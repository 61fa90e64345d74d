using System.Buffers.Binary;

namespace Fulcrum.Packet.Forwarding;

/// <summary>Offsets and field access for Ethernet II / IPv4 / TCP / UDP / ARP frames, read and written in place.</summary>
internal static class Frames
{
    public const int Ethernet = 14;
    public const ushort TypeIpv4 = 0x0800;
    public const ushort TypeArp = 0x0806;
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Ack = 0x10;

    public static ulong ReadMac(ReadOnlySpan<byte> b) => (ulong)BinaryPrimitives.ReadUInt16BigEndian(b) << 32 | BinaryPrimitives.ReadUInt32BigEndian(b[2..]);

    public static void WriteMac(Span<byte> b, ulong mac)
    {
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)(mac >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(b[2..], (uint)mac);
    }

    public static ulong MacOf(System.Net.NetworkInformation.PhysicalAddress address) => ReadMac(address.GetAddressBytes());

    public static string MacText(ulong mac) => string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(mac >> (40 - 8 * i))).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    public static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    public static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    public static void Put32(Span<byte> b, int at, uint v) => BinaryPrimitives.WriteUInt32BigEndian(b[at..], v);

    public static void Put16(Span<byte> b, int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(b[at..], v);

    public static uint Ip(System.Net.IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.MapToIPv4().TryWriteBytes(b, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    public static System.Net.IPAddress Address(uint ip)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, ip);
        return new System.Net.IPAddress(b);
    }

    /// <summary>An ARP request for <paramref name="target"/> from <paramref name="mac"/>/<paramref name="senderIp"/> (42 bytes).</summary>
    public static int ArpRequest(Span<byte> f, ulong mac, uint senderIp, uint target)
    {
        WriteMac(f, 0xffff_ffff_ffffUL);
        WriteMac(f[6..], mac);
        Put16(f, 12, TypeArp);
        Put16(f, 14, 1);
        Put16(f, 16, TypeIpv4);
        f[18] = 6;
        f[19] = 4;
        Put16(f, 20, 1);
        WriteMac(f[22..], mac);
        Put32(f, 28, senderIp);
        WriteMac(f[32..], 0);
        Put32(f, 38, target);
        return 42;
    }
}
