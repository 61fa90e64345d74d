using System.Buffers.Binary;

namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>
/// Writes a response into a span. Every write checks room first and returns false, writing nothing, when the record
/// does not fit; the caller then sets TC (<see cref="Truncate"/>) instead of sending a cut record. Names are written
/// either as a compression pointer into the question (<see cref="PointerTo"/>) or from wire forms encoded once at
/// config time (<see cref="EncodeName"/>), so nothing is allocated per response.
/// </summary>
public ref struct DnsWriter
{
    public const ushort FlagQr = 0x8000;
    public const ushort FlagAa = 0x0400;
    public const ushort FlagTc = 0x0200;
    public const ushort FlagRd = 0x0100;
    public const ushort FlagCd = 0x0010;

    private readonly Span<byte> _buffer;
    private int _pos;
    private ushort _an;
    private ushort _ns;
    private ushort _ar;
    private int _reserved;

    public DnsWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    public readonly int Length => _pos;

    /// <summary>Keeps <paramref name="bytes"/> at the end free for a record written last (the OPT record); 0 releases it.</summary>
    public void Reserve(int bytes) => _reserved = bytes;

    /// <summary>A pointer to the name that starts at character <paramref name="nameOffset"/> of the question's dotted name.</summary>
    public static ushort PointerTo(int nameOffset) => (ushort)(0xC000 | (DnsParser.HeaderLength + nameOffset));

    /// <summary>The header, with QDCOUNT 1 when <paramref name="question"/> is not empty, then the question verbatim.</summary>
    public bool Begin(ushort id, ushort flags, DnsRcode rcode, ReadOnlySpan<byte> question)
    {
        if (_buffer.Length < DnsParser.HeaderLength + question.Length)
        {
            return false;
        }
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(flags | ((int)rcode & 0xF)));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[4..], (ushort)(question.IsEmpty ? 0 : 1));
        _buffer.Slice(6, 6).Clear();
        question.CopyTo(_buffer[DnsParser.HeaderLength..]);
        _pos = DnsParser.HeaderLength + question.Length;
        _an = _ns = _ar = 0;
        return true;
    }

    /// <summary>An A or AAAA record (4 or 16 address bytes) in the answer section.</summary>
    public bool Address(ushort owner, uint ttl, ReadOnlySpan<byte> address)
    {
        var type = address.Length == 4 ? DnsTypes.A : DnsTypes.Aaaa;
        if (!Record(owner, type, ttl, address.Length))
        {
            return false;
        }
        address.CopyTo(_buffer[_pos..]);
        _pos += address.Length;
        _an++;
        return true;
    }

    /// <summary>A CNAME record in the answer section; <paramref name="target"/> is a wire-form name.</summary>
    public bool Cname(ushort owner, uint ttl, ReadOnlySpan<byte> target)
    {
        if (!Record(owner, DnsTypes.Cname, ttl, target.Length))
        {
            return false;
        }
        target.CopyTo(_buffer[_pos..]);
        _pos += target.Length;
        _an++;
        return true;
    }

    /// <summary>An SOA record, in the answer section or (for NXDOMAIN and NODATA) in the authority section.</summary>
    public bool Soa(ushort owner, uint ttl, ReadOnlySpan<byte> mname, ReadOnlySpan<byte> rname, uint serial, uint refresh, uint retry, uint expire, uint minimum, bool authority)
    {
        var length = mname.Length + rname.Length + 20;
        if (!Record(owner, DnsTypes.Soa, ttl, length))
        {
            return false;
        }
        var span = _buffer[_pos..];
        mname.CopyTo(span);
        rname.CopyTo(span[mname.Length..]);
        var numbers = span[(mname.Length + rname.Length)..];
        BinaryPrimitives.WriteUInt32BigEndian(numbers, serial);
        BinaryPrimitives.WriteUInt32BigEndian(numbers[4..], refresh);
        BinaryPrimitives.WriteUInt32BigEndian(numbers[8..], retry);
        BinaryPrimitives.WriteUInt32BigEndian(numbers[12..], expire);
        BinaryPrimitives.WriteUInt32BigEndian(numbers[16..], minimum);
        _pos += length;
        if (authority)
        {
            _ns++;
        }
        else
        {
            _an++;
        }
        return true;
    }

    /// <summary>
    /// The OPT record (RFC 6891) with this server's UDP size, the extended rcode bits and, when the query carried one,
    /// the Client Subnet option echoed with <paramref name="scopePrefix"/> (RFC 7871 §7.2.1).
    /// </summary>
    public bool Opt(ushort udpSize, DnsRcode rcode, bool dnssecOk, in ClientSubnet? subnet, byte scopePrefix)
    {
        var addressBytes = subnet is { } s ? (s.SourcePrefix + 7) / 8 : 0;
        var rdLength = subnet is null ? 0 : 8 + addressBytes;
        if (_buffer.Length - _reserved - _pos < 11 + rdLength)
        {
            return false;
        }
        var span = _buffer[_pos..];
        span[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], DnsTypes.Opt);
        BinaryPrimitives.WriteUInt16BigEndian(span[3..], udpSize);
        var ttl = ((uint)((int)rcode >> 4) << 24) | (dnssecOk ? 0x8000u : 0);
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(span[9..], (ushort)rdLength);
        if (subnet is { } ecs)
        {
            var option = span[11..];
            BinaryPrimitives.WriteUInt16BigEndian(option, DnsTypes.EcsOption);
            BinaryPrimitives.WriteUInt16BigEndian(option[2..], (ushort)(4 + addressBytes));
            BinaryPrimitives.WriteUInt16BigEndian(option[4..], ecs.Family);
            option[6] = ecs.SourcePrefix;
            option[7] = scopePrefix;
            Span<byte> full = stackalloc byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(full, ecs.High);
            BinaryPrimitives.WriteUInt64BigEndian(full[8..], ecs.Low);
            full[..addressBytes].CopyTo(option[8..]);
        }
        _pos += 11 + rdLength;
        _ar++;
        return true;
    }

    /// <summary>Writes the section counts into the header and returns the response's length.</summary>
    public readonly int Finish()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[6..], _an);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[8..], _ns);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[10..], _ar);
        return _pos;
    }

    /// <summary>Drops every record after the question and sets TC: the client retries over TCP (RFC 1035 §4.2.1, RFC 7766).</summary>
    public void Truncate(int questionLength)
    {
        _buffer[2] |= (byte)(FlagTc >> 8);
        _pos = DnsParser.HeaderLength + questionLength;
        _an = _ns = _ar = 0;
    }

    private bool Record(ushort owner, ushort type, uint ttl, int rdLength)
    {
        if (_buffer.Length - _reserved - _pos < 12 + rdLength)
        {
            return false;
        }
        var span = _buffer[_pos..];
        BinaryPrimitives.WriteUInt16BigEndian(span, owner);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], type);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], DnsTypes.ClassIn);
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], ttl);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)rdLength);
        _pos += 12;
        return true;
    }

    /// <summary>The wire form of a dotted name (config time, not the hot path); null when it is not a valid name.</summary>
    public static byte[]? EncodeName(string name)
    {
        var trimmed = name.TrimEnd('.');
        if (trimmed.Length == 0)
        {
            return [0];
        }
        var labels = trimmed.Split('.');
        var bytes = new List<byte>(trimmed.Length + 2);
        foreach (var label in labels)
        {
            if (label.Length is 0 or > DnsParser.MaxLabelLength || !System.Text.Ascii.IsValid(label))
            {
                return null;
            }
            bytes.Add((byte)label.Length);
            foreach (var c in label)
            {
                bytes.Add((byte)c);
            }
        }
        bytes.Add(0);
        return bytes.Count > DnsParser.MaxNameLength ? null : [.. bytes];
    }
}
