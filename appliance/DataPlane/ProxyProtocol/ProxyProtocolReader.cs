using System.Buffers.Binary;
using System.Net;
using System.Text;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.ProxyProtocol;

/// <summary>
/// Reads a PROXY v1 or v2 header from a trusted front (an L4 balancer or CDN) before any other byte. It reads exactly
/// the header's bytes (v2 by its length field, v1 a byte at a time after the first 15), so the client's first bytes
/// stay in the socket for the protocol layer.
/// </summary>
public static class ProxyProtocolReader
{
    private const int V1Max = 107;

    /// <summary>Result: the addresses the header carried (null for LOCAL / UNKNOWN: keep the socket's), or an error text.</summary>
    public readonly record struct Header(IPEndPoint? Source, IPEndPoint? Destination, string? Error);

    public static async ValueTask<Header> ReadAsync(TransportSocket socket)
    {
        var buffer = new byte[232];
        // 15 bytes is the shortest header ("PROXY UNKNOWN\r\n"), so this read can never take a payload byte.
        if (!await ReadExactlyAsync(socket, buffer.AsMemory(0, 15)).ConfigureAwait(false))
        {
            return new Header(null, null, "connection closed before the PROXY header");
        }
        var have = 15;
        if (buffer.AsSpan(0, 6).SequenceEqual("PROXY "u8))
        {
            // v1 is line based and short; the rest is read a byte at a time so no payload byte is consumed.
            while (buffer[have - 1] != (byte)'\n')
            {
                if (have >= V1Max)
                {
                    return new Header(null, null, "PROXY v1 header longer than 107 bytes");
                }
                if (!await ReadExactlyAsync(socket, buffer.AsMemory(have, 1)).ConfigureAwait(false))
                {
                    return new Header(null, null, "connection closed inside the PROXY header");
                }
                have++;
            }
            return ParseV1(buffer.AsSpan(0, have));
        }
        if (!buffer.AsSpan(0, 12).SequenceEqual(ProxyProtocolWriter.V2Signature))
        {
            return new Header(null, null, "not a PROXY protocol header");
        }
        if (!await ReadExactlyAsync(socket, buffer.AsMemory(15, 1)).ConfigureAwait(false))
        {
            return new Header(null, null, "connection closed inside the PROXY header");
        }
        var total = 16 + BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(14));
        if (total > buffer.Length)
        {
            return new Header(null, null, "PROXY v2 header too long");
        }
        if (!await ReadExactlyAsync(socket, buffer.AsMemory(16, total - 16)).ConfigureAwait(false))
        {
            return new Header(null, null, "connection closed inside the PROXY header");
        }
        return ParseV2(buffer.AsSpan(0, total));
    }

    private static async ValueTask<bool> ReadExactlyAsync(TransportSocket socket, Memory<byte> target)
    {
        while (target.Length > 0)
        {
            var n = await socket.ReceiveAsync(target).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }
            target = target[n..];
        }
        return true;
    }

    private static Header ParseV1(ReadOnlySpan<byte> line)
    {
        if (line.Length < 8 || line[^2] != '\r')
        {
            return new Header(null, null, "PROXY v1 line does not end with CRLF");
        }
        var parts = Encoding.ASCII.GetString(line[..^2]).Split(' ');
        if (parts.Length >= 2 && parts[0] == "PROXY" && parts[1] == "UNKNOWN")
        {
            return new Header(null, null, null);
        }
        if (parts.Length != 6 || parts[0] != "PROXY" || parts[1] is not ("TCP4" or "TCP6")
            || !IPAddress.TryParse(parts[2], out var src) || !IPAddress.TryParse(parts[3], out var dst)
            || !ushort.TryParse(parts[4], out var sp) || !ushort.TryParse(parts[5], out var dp))
        {
            return new Header(null, null, "malformed PROXY v1 line");
        }
        return new Header(new IPEndPoint(src, sp), new IPEndPoint(dst, dp), null);
    }

    private static Header ParseV2(ReadOnlySpan<byte> h)
    {
        if ((h[12] & 0xF0) != 0x20)
        {
            return new Header(null, null, "unsupported PROXY v2 version");
        }
        var command = h[12] & 0x0F;
        if (command == 0)
        {
            return new Header(null, null, null); // LOCAL: health check from the front itself
        }
        var body = h[16..];
        switch (h[13])
        {
            case 0x11 when body.Length >= 12:
                return new Header(
                    new IPEndPoint(new IPAddress(body[..4]), BinaryPrimitives.ReadUInt16BigEndian(body[8..])),
                    new IPEndPoint(new IPAddress(body[4..8]), BinaryPrimitives.ReadUInt16BigEndian(body[10..])), null);
            case 0x21 when body.Length >= 36:
                return new Header(
                    new IPEndPoint(new IPAddress(body[..16]), BinaryPrimitives.ReadUInt16BigEndian(body[32..])),
                    new IPEndPoint(new IPAddress(body[16..32]), BinaryPrimitives.ReadUInt16BigEndian(body[34..])), null);
            default:
                return new Header(null, null, null); // UNSPEC or a family we do not translate: keep the socket's addresses
        }
    }
}
