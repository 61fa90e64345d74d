using System.Buffers;

namespace Fulcrum.Appliance.Http;

/// <summary>Named bytes and the RFC 9110/9112/3986 character classes, as vectorised <see cref="SearchValues{T}"/>.</summary>
internal static class HttpCharacters
{
    public const byte CR = (byte)'\r';
    public const byte LF = (byte)'\n';
    public const byte SP = (byte)' ';
    public const byte HTAB = (byte)'\t';
    public const byte Colon = (byte)':';
    public const byte Comma = (byte)',';
    public const byte Semicolon = (byte)';';
    public const byte EqualsSign = (byte)'=';
    public const byte DoubleQuote = (byte)'"';
    public const byte Backslash = (byte)'\\';
    public const byte Slash = (byte)'/';
    public const byte Asterisk = (byte)'*';
    public const byte Percent = (byte)'%';
    public const byte QuestionMark = (byte)'?';
    public const byte OpenBracket = (byte)'[';
    public const byte CloseBracket = (byte)']';
    public const byte Dot = (byte)'.';
    public const byte Del = 0x7F;

    /// <summary>RFC 9110 tchar: what method, header names and list tokens are made of.</summary>
    public static readonly SearchValues<byte> Token =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>RFC 9110 field-vchar plus SP/HTAB: everything but CTLs and DEL. obs-text is let through opaquely.</summary>
    public static readonly SearchValues<byte> FieldValue = Build(static b => b == HTAB || (b >= SP && b != Del));

    /// <summary>
    /// Request-target bytes: visible ASCII only. Non-ASCII, CTLs and SP would let two parsers split the line differently;
    /// '#' is refused because a fragment is never part of a request-target.
    /// </summary>
    public static readonly SearchValues<byte> RequestTarget = Build(static b => b > SP && b < Del && b != (byte)'#');

    /// <summary>RFC 3986 reg-name: unreserved, sub-delims and '%' of pct-encoded. No '@' (userinfo) and no ':'.</summary>
    public static readonly SearchValues<byte> RegName =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%"u8);

    /// <summary>What may sit between '[' and ']' of an IPv6 literal (IPvFuture is refused).</summary>
    public static readonly SearchValues<byte> Ipv6Literal = SearchValues.Create("0123456789abcdefABCDEF:."u8);

    /// <summary>RFC 3986 scheme characters after the first ALPHA.</summary>
    public static readonly SearchValues<byte> Scheme =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."u8);

    public static readonly SearchValues<byte> Digits = SearchValues.Create("0123456789"u8);

    public static readonly SearchValues<byte> LineEnd = SearchValues.Create("\r\n"u8);

    public static bool IsToken(byte b) => Token.Contains(b);

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsAlpha(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsWhitespace(byte b) => b == SP || b == HTAB;

    /// <summary>Hex digit value, or -1.</summary>
    public static int HexValue(byte b)
    {
        if ((uint)(b - '0') <= 9)
        {
            return b - '0';
        }

        var lower = b | 0x20;
        return (uint)(lower - 'a') <= 'f' - 'a' ? lower - 'a' + 10 : -1;
    }

    /// <summary>Optional whitespace (RFC 9110 OWS) trimmed from both ends.</summary>
    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value, out int leading)
    {
        leading = 0;
        while (leading < value.Length && IsWhitespace(value[leading]))
        {
            leading++;
        }

        var end = value.Length;
        while (end > leading && IsWhitespace(value[end - 1]))
        {
            end--;
        }

        return value[leading..end];
    }

    private static SearchValues<byte> Build(Func<byte, bool> include)
    {
        Span<byte> set = stackalloc byte[256];
        var count = 0;
        for (var b = 0; b < 256; b++)
        {
            if (include((byte)b))
            {
                set[count++] = (byte)b;
            }
        }

        return SearchValues.Create(set[..count]);
    }
}
