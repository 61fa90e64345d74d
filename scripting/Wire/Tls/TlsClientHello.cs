using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Fulcrum.Scripting.Wire.Tls;

/// <summary>
/// A TLS ClientHello as read off the wire before any TLS library sees it: what SNI routing, certificate choice and
/// the CLIENTSSL_CLIENTHELLO event need. <see cref="TryParse(ReadOnlySpan{byte}, out TlsClientHello?)"/> takes the
/// bytes a client has sent so far (any TCP segmentation; the message may also be fragmented over several handshake
/// records) and never throws. GREASE values (RFC 8701) are left out of every list.
/// </summary>
public sealed class TlsClientHello
{
    /// <summary>Real ClientHellos are under 2 KiB (8 KiB with post-quantum key shares); more is refused, not buffered.</summary>
    public const int MaxMessageLength = 64 * 1024;

    private const int RecordHeaderLength = 5;
    private const int HandshakeHeaderLength = 4;
    private const int MaxRecordLength = 1 << 14;
    private const int MaxExtensions = 128;
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;

    private TlsClientHello(ushort legacyVersion, string? serverName, string[] alpn, ushort[] versions, ushort[] cipherSuites, ushort[] signatureAlgorithms, ushort[] supportedGroups, int length)
    {
        LegacyVersion = legacyVersion;
        ServerName = serverName;
        Alpn = alpn;
        Versions = versions;
        CipherSuites = cipherSuites;
        SignatureAlgorithms = signatureAlgorithms;
        SupportedGroups = supportedGroups;
        Length = length;
    }

    /// <summary>The <c>legacy_version</c> field (0x0303 for TLS 1.2 and 1.3 clients).</summary>
    public ushort LegacyVersion { get; }

    /// <summary>The host name of the server_name extension, lower-cased; null when the client sent none.</summary>
    public string? ServerName { get; }

    /// <summary>ALPN protocol names in the client's order; empty without the extension.</summary>
    public IReadOnlyList<string> Alpn { get; }

    /// <summary>Versions offered: supported_versions when present (TLS 1.3 clients), else the legacy version.</summary>
    public IReadOnlyList<ushort> Versions { get; }

    public IReadOnlyList<ushort> CipherSuites { get; }

    public IReadOnlyList<ushort> SignatureAlgorithms { get; }

    public IReadOnlyList<ushort> SupportedGroups { get; }

    /// <summary>Bytes of the records that carried the ClientHello, from the first record header.</summary>
    public int Length { get; }

    /// <summary>
    /// Whether the client can take an ECDSA certificate: an ECDSA signature algorithm, and for a client without TLS 1.3
    /// also an ECDHE_ECDSA cipher suite (TLS 1.2 binds the certificate type to the suite).
    /// </summary>
    public bool OffersEcdsa
    {
        get
        {
            var signs = SignatureAlgorithms.Count == 0 || SignatureAlgorithms.Any(static a => (a & 0xff) == 0x03);
            if (!signs)
            {
                return false;
            }
            return Versions.Contains((ushort)0x0304) || CipherSuites.Any(IsEcdsaSuite);
        }
    }

    /// <summary>The profile spelling of a version (<c>tls1.2</c>, <c>tls1.3</c>, …), or null for one that is not a TLS version.</summary>
    public static string? VersionName(ushort version) => version switch
    {
        0x0304 => "tls1.3",
        0x0303 => "tls1.2",
        0x0302 => "tls1.1",
        0x0301 => "tls1.0",
        0x0300 => "ssl3",
        _ => null,
    };

    /// <summary>The rule-facing spelling of a failure: <c>not-handshake</c>, <c>bad-server-name</c>, ….</summary>
    public static string ErrorName(ClientHelloError error) => error switch
    {
        ClientHelloError.NotHandshake => "not-handshake",
        ClientHelloError.NotClientHello => "not-client-hello",
        ClientHelloError.BadRecord => "bad-record",
        ClientHelloError.TooLong => "too-long",
        ClientHelloError.Malformed => "malformed",
        ClientHelloError.BadServerName => "bad-server-name",
        ClientHelloError.DuplicateExtension => "duplicate-extension",
        _ => "none",
    };

    public static ClientHelloParse TryParse(ReadOnlySpan<byte> data, out TlsClientHello? hello) =>
        TryParse(data, out hello, out _, out _);

    /// <param name="data">The bytes received so far, from the connection's first byte.</param>
    /// <param name="hello">The ClientHello when the result is <see cref="ClientHelloParse.Ok"/>.</param>
    /// <param name="needed">When incomplete: the fewest total bytes that could complete it (a lower bound to collect).</param>
    /// <param name="error">When invalid: why.</param>
    public static ClientHelloParse TryParse(ReadOnlySpan<byte> data, out TlsClientHello? hello, out int needed, out ClientHelloError error)
    {
        hello = null;
        needed = 0;
        error = ClientHelloError.None;

        // Walk the records: the handshake message's 4-byte header may itself be split between records.
        Span<byte> header = stackalloc byte[HandshakeHeaderLength];
        var headerHave = 0;
        var messageLength = -1;
        var have = 0;               // handshake bytes seen so far, over all fragments
        var pos = 0;
        var firstFragment = ReadOnlySpan<byte>.Empty;
        while (true)
        {
            if (data.Length - pos < RecordHeaderLength)
            {
                if (data.Length > pos && !PlausibleRecordPrefix(data[pos..], pos == 0, out error))
                {
                    return ClientHelloParse.Invalid;
                }
                needed = pos + RecordHeaderLength + Math.Max(1, messageLength < 0 ? HandshakeHeaderLength - have : HandshakeHeaderLength + messageLength - have);
                return ClientHelloParse.Incomplete;
            }
            if (data[pos] != HandshakeRecord)
            {
                // Anything but a handshake record before the hello is complete is not a ClientHello stream.
                error = pos == 0 ? ClientHelloError.NotHandshake : ClientHelloError.Malformed;
                return ClientHelloParse.Invalid;
            }
            var recordLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 3, 2));
            if (data[pos + 1] != 3 || recordLength == 0 || recordLength > MaxRecordLength)
            {
                error = ClientHelloError.BadRecord;
                return ClientHelloParse.Invalid;
            }
            var fragmentStart = pos + RecordHeaderLength;
            var fragment = data.Slice(fragmentStart, Math.Min(recordLength, data.Length - fragmentStart));
            if (pos == 0)
            {
                firstFragment = fragment;
            }
            var used = 0;
            while (headerHave < HandshakeHeaderLength && used < fragment.Length)
            {
                header[headerHave++] = fragment[used++];
            }
            if (messageLength < 0 && headerHave == HandshakeHeaderLength)
            {
                if (header[0] != ClientHelloType)
                {
                    error = ClientHelloError.NotClientHello;
                    return ClientHelloParse.Invalid;
                }
                messageLength = (header[1] << 16) | (header[2] << 8) | header[3];
                if (messageLength > MaxMessageLength)
                {
                    error = ClientHelloError.TooLong;
                    return ClientHelloParse.Invalid;
                }
            }
            have += fragment.Length;
            if (messageLength >= 0 && have >= HandshakeHeaderLength + messageLength)
            {
                var end = fragmentStart + fragment.Length - (have - HandshakeHeaderLength - messageLength);
                return Complete(data, firstFragment, messageLength, end, out hello, out error);
            }
            if (fragment.Length < recordLength)
            {
                var known = messageLength < 0 ? 0 : HandshakeHeaderLength + messageLength - have;
                var rest = recordLength - fragment.Length;
                needed = fragmentStart + recordLength + (known > rest ? RecordHeaderLength + known - rest : 0);
                return ClientHelloParse.Incomplete;
            }
            pos = fragmentStart + recordLength;
        }
    }

    private static bool PlausibleRecordPrefix(ReadOnlySpan<byte> prefix, bool first, out ClientHelloError error)
    {
        error = ClientHelloError.None;
        if (prefix[0] != HandshakeRecord)
        {
            error = first ? ClientHelloError.NotHandshake : ClientHelloError.Malformed;
            return false;
        }
        if (prefix.Length > 1 && prefix[1] != 3)
        {
            error = ClientHelloError.BadRecord;
            return false;
        }
        return true;
    }

    private static ClientHelloParse Complete(ReadOnlySpan<byte> data, ReadOnlySpan<byte> firstFragment, int messageLength, int end, out TlsClientHello? hello, out ClientHelloError error)
    {
        if (firstFragment.Length >= HandshakeHeaderLength + messageLength)
        {
            return ParseMessage(firstFragment.Slice(HandshakeHeaderLength, messageLength), end, out hello, out error);
        }
        // Fragmented over records: join the fragments once (rare; bounded by MaxMessageLength).
        var joined = ArrayPool<byte>.Shared.Rent(HandshakeHeaderLength + messageLength);
        try
        {
            var n = 0;
            for (var pos = 0; pos < end; )
            {
                var length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 3, 2));
                var take = Math.Min(length, Math.Min(end - pos - RecordHeaderLength, HandshakeHeaderLength + messageLength - n));
                data.Slice(pos + RecordHeaderLength, take).CopyTo(joined.AsSpan(n));
                n += take;
                pos += RecordHeaderLength + length;
            }
            return ParseMessage(joined.AsSpan(HandshakeHeaderLength, messageLength), end, out hello, out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    private static ClientHelloParse ParseMessage(ReadOnlySpan<byte> m, int length, out TlsClientHello? hello, out ClientHelloError error)
    {
        hello = null;
        error = ClientHelloError.Malformed;
        var r = new Reader(m);
        if (!r.U16(out var legacyVersion) || !r.Skip(32) || !r.U8(out var sessionIdLength) || sessionIdLength > 32 || !r.Skip(sessionIdLength))
        {
            return ClientHelloParse.Invalid;
        }
        if (!r.U16(out var suitesLength) || suitesLength < 2 || (suitesLength & 1) != 0 || !r.Bytes(suitesLength, out var suites))
        {
            return ClientHelloParse.Invalid;
        }
        if (!r.U8(out var compressionLength) || compressionLength < 1 || !r.Skip(compressionLength))
        {
            return ClientHelloParse.Invalid;
        }
        string? serverName = null;
        string[] alpn = [];
        ushort[]? versions = null;
        ushort[] signatureAlgorithms = [];
        ushort[] groups = [];
        if (r.Remaining > 0)
        {
            if (!r.U16(out var extensionsLength) || extensionsLength != r.Remaining)
            {
                return ClientHelloParse.Invalid;
            }
            Span<ushort> seen = stackalloc ushort[MaxExtensions];
            var count = 0;
            while (r.Remaining > 0)
            {
                if (!r.U16(out var type) || !r.U16(out var extensionLength) || !r.Bytes(extensionLength, out var body))
                {
                    return ClientHelloParse.Invalid;
                }
                if (count == MaxExtensions)
                {
                    return ClientHelloParse.Invalid;
                }
                if (seen[..count].Contains(type))
                {
                    error = ClientHelloError.DuplicateExtension;
                    return ClientHelloParse.Invalid;
                }
                seen[count++] = type;
                var ok = type switch
                {
                    0 => ReadServerName(body, out serverName, ref error),
                    16 => ReadAlpn(body, out alpn),
                    43 => ReadU16List(body, lengthBytes: 1, out versions),
                    10 => ReadU16List(body, lengthBytes: 2, out groups),
                    13 => ReadU16List(body, lengthBytes: 2, out signatureAlgorithms),
                    _ => true,
                };
                if (!ok)
                {
                    return ClientHelloParse.Invalid;
                }
            }
        }
        error = ClientHelloError.None;
        hello = new TlsClientHello(legacyVersion, serverName, alpn, versions ?? [legacyVersion], U16List(suites), signatureAlgorithms, groups, length);
        return ClientHelloParse.Ok;
    }

    private static bool ReadServerName(ReadOnlySpan<byte> body, out string? name, ref ClientHelloError error)
    {
        name = null;
        var r = new Reader(body);
        if (body.Length == 0)
        {
            return true;
        }
        if (!r.U16(out var listLength) || listLength != r.Remaining || listLength == 0)
        {
            return false;
        }
        while (r.Remaining > 0)
        {
            if (!r.U8(out var nameType) || !r.U16(out var nameLength) || !r.Bytes(nameLength, out var raw))
            {
                return false;
            }
            if (nameType != 0 || name is not null)
            {
                continue;   // only the first host_name counts (RFC 6066 §3 allows one per type)
            }
            if (!IsHostName(raw))
            {
                error = ClientHelloError.BadServerName;
                return false;
            }
            // ToLowerInvariant returns the same string when it is lower case already, as SNI nearly always is.
            name = Encoding.ASCII.GetString(raw).ToLowerInvariant();
        }
        return true;
    }

    /// <summary>A DNS name as RFC 6066 allows it: letters, digits, '-', '_', dots between labels; no trailing dot.</summary>
    private static bool IsHostName(ReadOnlySpan<byte> raw)
    {
        if (raw.Length is 0 or > 253 || raw[0] == '.' || raw[^1] == '.')
        {
            return false;
        }
        var label = 0;
        foreach (var b in raw)
        {
            if (b == '.')
            {
                if (label == 0)
                {
                    return false;
                }
                label = 0;
                continue;
            }
            if (!(b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_') || ++label > 63)
            {
                return false;
            }
        }
        return true;
    }

    private static bool ReadAlpn(ReadOnlySpan<byte> body, out string[] alpn)
    {
        alpn = [];
        var r = new Reader(body);
        if (!r.U16(out var listLength) || listLength != r.Remaining || listLength < 2)
        {
            return false;
        }
        var names = new List<string>(2);
        while (r.Remaining > 0)
        {
            if (!r.U8(out var n) || n == 0 || !r.Bytes(n, out var raw))
            {
                return false;
            }
            names.Add(Encoding.Latin1.GetString(raw));
        }
        alpn = [.. names];
        return true;
    }

    private static bool ReadU16List(ReadOnlySpan<byte> body, int lengthBytes, out ushort[] values)
    {
        values = [];
        var r = new Reader(body);
        int length;
        if (lengthBytes == 1)
        {
            if (!r.U8(out var l)) { return false; }
            length = l;
        }
        else
        {
            if (!r.U16(out var l)) { return false; }
            length = l;
        }
        if (length != r.Remaining || length < 2 || (length & 1) != 0 || !r.Bytes(length, out var list))
        {
            return false;
        }
        values = U16List(list);
        return true;
    }

    private static ushort[] U16List(ReadOnlySpan<byte> list)
    {
        var count = 0;
        for (var i = 0; i < list.Length; i += 2)
        {
            count += IsGrease(BinaryPrimitives.ReadUInt16BigEndian(list[i..])) ? 0 : 1;
        }
        var values = new ushort[count];
        var n = 0;
        for (var i = 0; i < list.Length; i += 2)
        {
            var v = BinaryPrimitives.ReadUInt16BigEndian(list[i..]);
            if (!IsGrease(v))
            {
                values[n++] = v;
            }
        }
        return values;
    }

    /// <summary>RFC 8701: 0x0A0A, 0x1A1A, … 0xFAFA.</summary>
    private static bool IsGrease(ushort v) => (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);

    /// <summary>TLS 1.2 suites that authenticate with an ECDSA certificate (ECDHE_ECDSA_*).</summary>
    private static bool IsEcdsaSuite(ushort s) => s is 0xc009 or 0xc00a or 0xc023 or 0xc024 or 0xc02b or 0xc02c or 0xcca9 or (>= 0xc0ac and <= 0xc0af) or 0xc048 or 0xc049 or 0xc05c or 0xc05d or 0xc072 or 0xc073 or 0xc086 or 0xc087;

    /// <summary>Big-endian reads that report running out instead of throwing.</summary>
    private ref struct Reader(ReadOnlySpan<byte> span)
    {
        private ReadOnlySpan<byte> _rest = span;

        public readonly int Remaining => _rest.Length;

        public bool U8(out byte value)
        {
            value = 0;
            if (_rest.Length < 1) { return false; }
            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool U16(out ushort value)
        {
            value = 0;
            if (_rest.Length < 2) { return false; }
            value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
            _rest = _rest[2..];
            return true;
        }

        public bool Skip(int n) => Bytes(n, out _);

        public bool Bytes(int n, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_rest.Length < n) { return false; }
            value = _rest[..n];
            _rest = _rest[n..];
            return true;
        }
    }
}
