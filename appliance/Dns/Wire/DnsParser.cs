using System.Buffers.Binary;

namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>
/// A strict parser of DNS queries (RFC 1035 §4, EDNS(0) RFC 6891, Client Subnet RFC 7871) over a span. It throws
/// nothing and allocates nothing: the result says why a packet is refused, the query's fields land in a struct and its
/// name in the caller's buffer. Every record the counts announce is walked and bounds-checked, so a packet is either
/// consistent from the header to its last byte or refused.
/// </summary>
public static class DnsParser
{
    public const int HeaderLength = 12;
    public const int MaxNameLength = 255;
    public const int MaxLabelLength = 63;
    /// <summary>Room a caller's name buffer needs: the dotted form is never longer than the wire form.</summary>
    public const int NameBufferLength = MaxNameLength;

    private const int MaxPointerHops = 64;

    public static DnsParseResult Parse(ReadOnlySpan<byte> packet, Span<char> name, out DnsQuery query)
    {
        query = default;
        if (packet.Length < HeaderLength)
        {
            return DnsParseResult.Truncated;
        }
        query.Id = BinaryPrimitives.ReadUInt16BigEndian(packet);
        query.Flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((query.Flags & 0x8000) != 0)
        {
            return DnsParseResult.NotAQuery;
        }
        var qd = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        var ns = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        var ar = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        if (query.Opcode != 0)
        {
            // Answered NOTIMP from the header alone, so the rest need not make sense.
            return DnsParseResult.NotImplemented;
        }
        if (qd != 1 || an != 0 || ns != 0)
        {
            return DnsParseResult.BadCounts;
        }
        var pos = HeaderLength;
        var r = ReadQuestionName(packet, ref pos, name, ref query);
        if (r != DnsParseResult.Ok)
        {
            return r;
        }
        if (packet.Length - pos < 4)
        {
            return DnsParseResult.Truncated;
        }
        query.QType = BinaryPrimitives.ReadUInt16BigEndian(packet[pos..]);
        query.QClass = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 2)..]);
        pos += 4;
        query.QuestionLength = pos - HeaderLength;
        for (var i = 0; i < ar; i++)
        {
            r = ReadAdditional(packet, ref pos, ref query);
            if (r != DnsParseResult.Ok)
            {
                return r;
            }
        }
        return pos == packet.Length ? DnsParseResult.Ok : DnsParseResult.TrailingData;
    }

    /// <summary>The question's name: plain labels only, since a pointer there could only point into the header.</summary>
    private static DnsParseResult ReadQuestionName(ReadOnlySpan<byte> packet, ref int pos, Span<char> name, ref DnsQuery query)
    {
        var written = 0;
        var hostname = true;
        var wire = 0;
        while (true)
        {
            if (pos >= packet.Length)
            {
                return DnsParseResult.Truncated;
            }
            var len = packet[pos];
            if ((len & 0xC0) == 0xC0)
            {
                return DnsParseResult.BadPointer;
            }
            if ((len & 0xC0) != 0 || len > MaxLabelLength)
            {
                return DnsParseResult.BadLabel;
            }
            wire += len + 1;
            if (wire > MaxNameLength)
            {
                return DnsParseResult.NameTooLong;
            }
            pos++;
            if (len == 0)
            {
                break;
            }
            if (packet.Length - pos < len)
            {
                return DnsParseResult.Truncated;
            }
            if (written > 0)
            {
                name[written++] = '.';
            }
            foreach (var b in packet.Slice(pos, len))
            {
                char c;
                if (b is >= (byte)'A' and <= (byte)'Z')
                {
                    c = (char)(b | 0x20);
                }
                else if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_')
                {
                    c = (char)b;
                }
                else
                {
                    c = '?';
                    hostname = false;
                }
                name[written++] = c;
            }
            pos += len;
        }
        query.NameLength = written;
        query.NameIsHostname = hostname;
        return DnsParseResult.Ok;
    }

    private static DnsParseResult ReadAdditional(ReadOnlySpan<byte> packet, ref int pos, ref DnsQuery query)
    {
        var owner = pos;
        var r = SkipName(packet, ref pos);
        if (r != DnsParseResult.Ok)
        {
            return r;
        }
        if (packet.Length - pos < 10)
        {
            return DnsParseResult.Truncated;
        }
        var type = BinaryPrimitives.ReadUInt16BigEndian(packet[pos..]);
        var cls = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(pos + 4)..]);
        var rdLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 8)..]);
        pos += 10;
        if (packet.Length - pos < rdLength)
        {
            return DnsParseResult.Truncated;
        }
        var rdata = packet.Slice(pos, rdLength);
        pos += rdLength;
        if (type != DnsTypes.Opt)
        {
            return DnsParseResult.Ok;
        }
        if (query.HasEdns || packet[owner] != 0)
        {
            return DnsParseResult.BadOpt;
        }
        query.HasEdns = true;
        query.UdpSize = cls;
        query.EdnsVersion = (byte)(ttl >> 16);
        query.DnssecOk = (ttl & 0x8000) != 0;
        return ReadOptions(rdata, ref query);
    }

    private static DnsParseResult ReadOptions(ReadOnlySpan<byte> rdata, ref DnsQuery query)
    {
        while (rdata.Length > 0)
        {
            if (rdata.Length < 4)
            {
                return DnsParseResult.BadOpt;
            }
            var code = BinaryPrimitives.ReadUInt16BigEndian(rdata);
            var length = BinaryPrimitives.ReadUInt16BigEndian(rdata[2..]);
            if (rdata.Length - 4 < length)
            {
                return DnsParseResult.BadOpt;
            }
            var data = rdata.Slice(4, length);
            rdata = rdata[(4 + length)..];
            if (code != DnsTypes.EcsOption)
            {
                continue;
            }
            if (query.HasClientSubnet || !TryReadClientSubnet(data, out query.ClientSubnet))
            {
                return DnsParseResult.BadClientSubnet;
            }
            query.HasClientSubnet = true;
        }
        return DnsParseResult.Ok;
    }

    /// <summary>RFC 7871 §6: the address holds exactly ceil(source/8) bytes, bits past the prefix are zero, scope is 0 in a query.</summary>
    private static bool TryReadClientSubnet(ReadOnlySpan<byte> data, out ClientSubnet subnet)
    {
        subnet = default;
        if (data.Length < 4)
        {
            return false;
        }
        var family = BinaryPrimitives.ReadUInt16BigEndian(data);
        var source = data[2];
        var scope = data[3];
        var address = data[4..];
        var max = family switch { 1 => 32, 2 => 128, _ => -1 };
        if (max < 0 || source > max || scope != 0 || address.Length != (source + 7) / 8)
        {
            return false;
        }
        if (source % 8 != 0 && (address[^1] & (0xFF >> (source % 8))) != 0)
        {
            return false;
        }
        Span<byte> full = stackalloc byte[16];
        full.Clear();
        address.CopyTo(full);
        subnet = new ClientSubnet(family, source, BinaryPrimitives.ReadUInt64BigEndian(full), BinaryPrimitives.ReadUInt64BigEndian(full[8..]));
        return true;
    }

    /// <summary>
    /// Steps over a name outside the question. Each pointer must point strictly before the segment it interrupts, so
    /// every hop goes backwards and a loop cannot form; the hop cap and the 255-byte limit bound the walk anyway.
    /// </summary>
    private static DnsParseResult SkipName(ReadOnlySpan<byte> packet, ref int pos)
    {
        var cursor = pos;
        var segmentStart = pos;
        var jumped = false;
        var hops = 0;
        var wire = 0;
        while (true)
        {
            if (cursor >= packet.Length)
            {
                return DnsParseResult.Truncated;
            }
            var len = packet[cursor];
            if ((len & 0xC0) == 0xC0)
            {
                if (cursor + 1 >= packet.Length)
                {
                    return DnsParseResult.Truncated;
                }
                var target = ((len & 0x3F) << 8) | packet[cursor + 1];
                if (target >= segmentStart || target < HeaderLength || ++hops > MaxPointerHops)
                {
                    return DnsParseResult.BadPointer;
                }
                if (!jumped)
                {
                    pos = cursor + 2;
                    jumped = true;
                }
                cursor = target;
                segmentStart = target;
                continue;
            }
            if ((len & 0xC0) != 0 || len > MaxLabelLength)
            {
                return DnsParseResult.BadLabel;
            }
            wire += len + 1;
            if (wire > MaxNameLength)
            {
                return DnsParseResult.NameTooLong;
            }
            if (len == 0)
            {
                if (!jumped)
                {
                    pos = cursor + 1;
                }
                return DnsParseResult.Ok;
            }
            if (packet.Length - cursor - 1 < len)
            {
                return DnsParseResult.Truncated;
            }
            cursor += len + 1;
        }
    }
}
