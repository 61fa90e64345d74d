using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.DataPlane.ProxyProtocol;

/// <summary>Writes the PROXY protocol header (haproxy.org proxy-protocol.txt) that tells a member the real client.</summary>
public static class ProxyProtocolWriter
{
    /// <summary>The v2 signature: CR LF CR LF NUL CR LF "QUIT" LF.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public const int MaxLength = 108;

    /// <summary>Writes the header into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns its length.</summary>
    public static int Write(ProxyProtocolVersion version, IPEndPoint source, IPEndPoint destination, Span<byte> output) =>
        version == ProxyProtocolVersion.V2 ? WriteV2(source, destination, output) : WriteV1(source, destination, output);

    private static int WriteV1(IPEndPoint source, IPEndPoint destination, Span<byte> output)
    {
        var src = Unmap(source.Address);
        var dst = Unmap(destination.Address);
        if (src.AddressFamily != dst.AddressFamily)
        {
            "PROXY UNKNOWN\r\n"u8.CopyTo(output);
            return 15;
        }
        var n = 0;
        Put(output, ref n, src.AddressFamily == AddressFamily.InterNetwork ? "PROXY TCP4 "u8 : "PROXY TCP6 "u8);
        src.TryFormat(output[n..], out var w);
        n += w;
        output[n++] = (byte)' ';
        dst.TryFormat(output[n..], out w);
        n += w;
        output[n++] = (byte)' ';
        source.Port.TryFormat(output[n..], out w, provider: System.Globalization.CultureInfo.InvariantCulture);
        n += w;
        output[n++] = (byte)' ';
        destination.Port.TryFormat(output[n..], out w, provider: System.Globalization.CultureInfo.InvariantCulture);
        n += w;
        Put(output, ref n, "\r\n"u8);
        return n;
    }

    private static int WriteV2(IPEndPoint source, IPEndPoint destination, Span<byte> output)
    {
        var src = Unmap(source.Address);
        var dst = Unmap(destination.Address);
        V2Signature.CopyTo(output);
        output[12] = 0x21; // version 2, command PROXY
        if (src.AddressFamily == AddressFamily.InterNetwork && dst.AddressFamily == AddressFamily.InterNetwork)
        {
            output[13] = 0x11; // AF_INET, STREAM
            BinaryPrimitives.WriteUInt16BigEndian(output[14..], 12);
            src.TryWriteBytes(output[16..], out _);
            dst.TryWriteBytes(output[20..], out _);
            BinaryPrimitives.WriteUInt16BigEndian(output[24..], (ushort)source.Port);
            BinaryPrimitives.WriteUInt16BigEndian(output[26..], (ushort)destination.Port);
            return 28;
        }
        output[13] = 0x21; // AF_INET6, STREAM
        BinaryPrimitives.WriteUInt16BigEndian(output[14..], 36);
        source.Address.MapToIPv6().TryWriteBytes(output[16..], out _);
        destination.Address.MapToIPv6().TryWriteBytes(output[32..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(output[48..], (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(output[50..], (ushort)destination.Port);
        return 52;
    }

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static void Put(Span<byte> output, ref int n, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output[n..]);
        n += bytes.Length;
    }
}
