namespace Fulcrum.Appliance.Http;

/// <summary>Known header names and tokens as lower-case UTF-8, and the lookup that turns a name into a <see cref="HttpKnownHeader"/>.</summary>
public static class HttpHeaderNames
{
    public static ReadOnlySpan<byte> Host => "host"u8;
    public static ReadOnlySpan<byte> ContentLength => "content-length"u8;
    public static ReadOnlySpan<byte> TransferEncoding => "transfer-encoding"u8;
    public static ReadOnlySpan<byte> Connection => "connection"u8;
    public static ReadOnlySpan<byte> KeepAlive => "keep-alive"u8;
    public static ReadOnlySpan<byte> ProxyConnection => "proxy-connection"u8;
    public static ReadOnlySpan<byte> TE => "te"u8;
    public static ReadOnlySpan<byte> Trailer => "trailer"u8;
    public static ReadOnlySpan<byte> Upgrade => "upgrade"u8;
    public static ReadOnlySpan<byte> Expect => "expect"u8;
    public static ReadOnlySpan<byte> Via => "via"u8;
    public static ReadOnlySpan<byte> XForwardedFor => "x-forwarded-for"u8;
    public static ReadOnlySpan<byte> XForwardedProto => "x-forwarded-proto"u8;
    public static ReadOnlySpan<byte> Server => "server"u8;
    public static ReadOnlySpan<byte> Cookie => "cookie"u8;
    public static ReadOnlySpan<byte> SetCookie => "set-cookie"u8;
    public static ReadOnlySpan<byte> Http2Settings => "http2-settings"u8;

    /// <summary>Field values and tokens the parser interprets.</summary>
    public static ReadOnlySpan<byte> Chunked => "chunked"u8;
    public static ReadOnlySpan<byte> Close => "close"u8;
    public static ReadOnlySpan<byte> HundredContinue => "100-continue"u8;
    public static ReadOnlySpan<byte> H2c => "h2c"u8;

    /// <summary>The longest known name ("transfer-encoding", "x-forwarded-proto"): longer names need no folding check.</summary>
    private const int MaxKnownLength = 17;

    /// <summary>Classifies a header name; switching on the length first means most names cost one compare at most.</summary>
    public static HttpKnownHeader Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when HttpAscii.EqualsIgnoreCase(name, TE) => HttpKnownHeader.TE,
        3 when HttpAscii.EqualsIgnoreCase(name, Via) => HttpKnownHeader.Via,
        4 when HttpAscii.EqualsIgnoreCase(name, Host) => HttpKnownHeader.Host,
        6 when HttpAscii.EqualsIgnoreCase(name, Expect) => HttpKnownHeader.Expect,
        6 when HttpAscii.EqualsIgnoreCase(name, Server) => HttpKnownHeader.Server,
        6 when HttpAscii.EqualsIgnoreCase(name, Cookie) => HttpKnownHeader.Cookie,
        7 when HttpAscii.EqualsIgnoreCase(name, Upgrade) => HttpKnownHeader.Upgrade,
        7 when HttpAscii.EqualsIgnoreCase(name, Trailer) => HttpKnownHeader.Trailer,
        10 when HttpAscii.EqualsIgnoreCase(name, Connection) => HttpKnownHeader.Connection,
        10 when HttpAscii.EqualsIgnoreCase(name, KeepAlive) => HttpKnownHeader.KeepAlive,
        10 when HttpAscii.EqualsIgnoreCase(name, SetCookie) => HttpKnownHeader.SetCookie,
        14 when HttpAscii.EqualsIgnoreCase(name, ContentLength) => HttpKnownHeader.ContentLength,
        14 when HttpAscii.EqualsIgnoreCase(name, Http2Settings) => HttpKnownHeader.Http2Settings,
        15 when HttpAscii.EqualsIgnoreCase(name, XForwardedFor) => HttpKnownHeader.XForwardedFor,
        16 when HttpAscii.EqualsIgnoreCase(name, ProxyConnection) => HttpKnownHeader.ProxyConnection,
        17 when HttpAscii.EqualsIgnoreCase(name, TransferEncoding) => HttpKnownHeader.TransferEncoding,
        17 when HttpAscii.EqualsIgnoreCase(name, XForwardedProto) => HttpKnownHeader.XForwardedProto,
        _ => HttpKnownHeader.Unknown,
    };

    /// <summary>
    /// The known field a name with underscores stands for when <c>_</c> is read as <c>-</c>, as CGI, PHP, WSGI and
    /// some frameworks do (<c>Transfer_Encoding</c> → Transfer-Encoding); <see cref="HttpKnownHeader.Unknown"/> when
    /// there is none or the name has no underscore.
    /// </summary>
    public static HttpKnownHeader IdentifyFolded(ReadOnlySpan<byte> name)
    {
        if (name.Length > MaxKnownLength || !name.Contains((byte)'_'))
        {
            return HttpKnownHeader.Unknown;
        }
        Span<byte> folded = stackalloc byte[MaxKnownLength];
        folded = folded[..name.Length];
        name.CopyTo(folded);
        folded.Replace((byte)'_', (byte)'-');
        return Identify(folded);
    }
}
