using System.Buffers;

namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// One request's decoded header block, checked field by field as the HPACK decoder hands it over (RFC 9113 §8.2,
/// §8.3): the pseudo-headers kept apart, regular fields copied into one pooled buffer (no string, no per-field
/// object), the first malformation recorded as an <see cref="Http2RequestError"/> and every field after it ignored.
/// One instance per connection, <see cref="Reset"/> before each block; the buffer goes back to the pool on
/// <see cref="Dispose"/>. What it refuses never becomes an HTTP/1.1 request toward a member (the h2→h1 smuggling
/// checks: connection-specific fields, CR/LF/colon, pseudo-header misuse, content-length).
/// </summary>
public sealed class Http2RequestHeaders : IHpackHeaderHandler, IDisposable
{
    private const int MaxFields = 128;

    private byte[] _bytes;
    private int _used;
    private readonly (int NameStart, int NameLength, int ValueStart, int ValueLength)[] _fields = new (int, int, int, int)[MaxFields];
    private int _count;
    private (int Start, int Length) _method;
    private (int Start, int Length) _scheme;
    private (int Start, int Length) _authority;
    private (int Start, int Length) _path;
    private bool _sawField;

    public Http2RequestHeaders(int initialBytes = 4096)
    {
        _bytes = ArrayPool<byte>.Shared.Rent(initialBytes);
        Reset();
    }

    public Http2RequestError Error { get; private set; }

    /// <summary>The <c>content-length</c> field's value, or -1 when absent.</summary>
    public long ContentLength { get; private set; }

    public int Count => _count;

    public ReadOnlySpan<byte> Method => Slice(_method);

    public ReadOnlySpan<byte> Scheme => Slice(_scheme);

    public ReadOnlySpan<byte> Authority => Slice(_authority);

    public ReadOnlySpan<byte> Path => Slice(_path);

    public bool HasAuthority => _authority.Start >= 0;

    public ReadOnlySpan<byte> NameAt(int index) => _bytes.AsSpan(_fields[index].NameStart, _fields[index].NameLength);

    public ReadOnlySpan<byte> ValueAt(int index) => _bytes.AsSpan(_fields[index].ValueStart, _fields[index].ValueLength);

    public void Reset()
    {
        _used = 0;
        _count = 0;
        _method = _scheme = _authority = _path = (-1, 0);
        _sawField = false;
        Error = Http2RequestError.None;
        ContentLength = -1;
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Error != Http2RequestError.None)
        {
            return;
        }
        var error = name.Length > 0 && name[0] == (byte)':' ? OnPseudoHeader(name, value) : OnField(name, value);
        if (error != Http2RequestError.None)
        {
            Error = error;
        }
    }

    /// <summary>Checks the block as a whole once it is decoded: the pseudo-headers a request needs (§8.3.1, §8.5).</summary>
    public Http2RequestError Complete()
    {
        if (Error != Http2RequestError.None)
        {
            return Error;
        }
        if (_method.Start < 0)
        {
            return Error = Http2RequestError.MissingPseudoHeader;
        }
        if (Method.SequenceEqual("CONNECT"u8))
        {
            // CONNECT: :authority only (§8.5); extended CONNECT (:protocol) is not offered, so that name is unknown.
            return Error = _authority.Start < 0 || _scheme.Start >= 0 || _path.Start >= 0 ? Http2RequestError.MissingPseudoHeader : Http2RequestError.None;
        }
        if (_scheme.Start < 0 || _path.Start < 0)
        {
            return Error = Http2RequestError.MissingPseudoHeader;
        }
        var path = Path;
        if (path.IsEmpty || (path[0] != (byte)'/' && !(path.Length == 1 && path[0] == (byte)'*' && Method.SequenceEqual("OPTIONS"u8))))
        {
            return Error = Http2RequestError.InvalidPath;
        }
        return Http2RequestError.None;
    }

    private Http2RequestError OnPseudoHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (_sawField)
        {
            return Http2RequestError.PseudoHeaderAfterField;
        }
        if (!ValueIsClean(value))
        {
            return Http2RequestError.InvalidValueCharacter;
        }
        ref var slot = ref PseudoSlot(name);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
        {
            return Http2RequestError.UnknownPseudoHeader;
        }
        if (slot.Start >= 0)
        {
            return Http2RequestError.DuplicatePseudoHeader;
        }
        if (name.SequenceEqual(":authority"u8) || name.SequenceEqual(":method"u8) || name.SequenceEqual(":scheme"u8))
        {
            // These become an HTTP/1.1 request line and Host field: no whitespace may split them there.
            if (value.IsEmpty || value.IndexOfAny((byte)' ', (byte)'\t') >= 0)
            {
                return Http2RequestError.InvalidValueCharacter;
            }
        }
        if (name.SequenceEqual(":path"u8) && value.IndexOfAny((byte)' ', (byte)'\t') >= 0)
        {
            return Http2RequestError.InvalidPath;
        }
        if (!TryCopy(value, out var start))
        {
            return Http2RequestError.HeadersTooLarge;
        }
        slot = (start, value.Length);
        return Http2RequestError.None;
    }

    private ref (int Start, int Length) PseudoSlot(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual(":method"u8))
        {
            return ref _method;
        }
        if (name.SequenceEqual(":scheme"u8))
        {
            return ref _scheme;
        }
        if (name.SequenceEqual(":authority"u8))
        {
            return ref _authority;
        }
        if (name.SequenceEqual(":path"u8))
        {
            return ref _path;
        }
        return ref System.Runtime.CompilerServices.Unsafe.NullRef<(int, int)>();
    }

    private Http2RequestError OnField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        _sawField = true;
        if (name.IsEmpty)
        {
            return Http2RequestError.InvalidNameCharacter;
        }
        foreach (var b in name)
        {
            if ((uint)(b - 'A') <= 'Z' - 'A')
            {
                return Http2RequestError.UppercaseName;
            }
            if (!HttpCharacters.IsToken(b))
            {
                return Http2RequestError.InvalidNameCharacter;
            }
        }
        if (!ValueIsClean(value))
        {
            return Http2RequestError.InvalidValueCharacter;
        }
        if (IsConnectionSpecific(name))
        {
            return Http2RequestError.ConnectionSpecificHeader;
        }
        if (name.SequenceEqual("te"u8) && !value.SequenceEqual("trailers"u8))
        {
            return Http2RequestError.TeNotTrailers;
        }
        if (name.SequenceEqual("content-length"u8))
        {
            if (!TryParseLength(value, out var length) || (ContentLength >= 0 && ContentLength != length))
            {
                return Http2RequestError.InvalidContentLength;
            }
            ContentLength = length;
        }
        if (_count == MaxFields || !TryCopy(name, out var nameStart) || !TryCopy(value, out var valueStart))
        {
            return Http2RequestError.HeadersTooLarge;
        }
        _fields[_count++] = (nameStart, name.Length, valueStart, value.Length);
        return Http2RequestError.None;
    }

    private static bool IsConnectionSpecific(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("connection"u8) || name.SequenceEqual("keep-alive"u8) || name.SequenceEqual("proxy-connection"u8)
        || name.SequenceEqual("transfer-encoding"u8) || name.SequenceEqual("upgrade"u8);

    /// <summary>No NUL, CR or LF anywhere, and no whitespace at either end (§8.2.1).</summary>
    private static bool ValueIsClean(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny((byte)0, (byte)'\r', (byte)'\n') >= 0)
        {
            return false;
        }
        return value.IsEmpty || (!IsWhitespace(value[0]) && !IsWhitespace(value[^1]));
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }
        foreach (var b in value)
        {
            if (!HttpCharacters.IsDigit(b))
            {
                return false;
            }
            length = (length * 10) + (b - '0');
        }
        return true;
    }

    private bool TryCopy(ReadOnlySpan<byte> bytes, out int start)
    {
        start = _used;
        if (_bytes.Length - _used < bytes.Length)
        {
            var size = Math.Max(_bytes.Length * 2, _used + bytes.Length);
            if (size > HpackDecoderLimits.Default.MaxHeaderListSize * 2)
            {
                return false;
            }
            var bigger = ArrayPool<byte>.Shared.Rent(size);
            _bytes.AsSpan(0, _used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
        }
        bytes.CopyTo(_bytes.AsSpan(_used));
        _used += bytes.Length;
        return true;
    }

    private ReadOnlySpan<byte> Slice((int Start, int Length) slot) => slot.Start < 0 ? default : _bytes.AsSpan(slot.Start, slot.Length);

    public void Dispose()
    {
        var bytes = _bytes;
        _bytes = [];
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
