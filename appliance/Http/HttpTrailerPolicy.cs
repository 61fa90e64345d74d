namespace Fulcrum.Appliance.Http;

/// <summary>
/// Which trailer fields of a chunked request the proxy leaves out when forwarding. RFC 9110 §6.5.1: a trailer must
/// not carry fields for framing, routing, request modifiers (controls and conditionals), authentication or how to
/// process the content, and a recipient that merges trailers into the header section (many servers do) would let a
/// client set them after every check the proxy made. So these are dropped: every field the proxy itself interprets
/// (Host, Content-Length, Transfer-Encoding, Connection and the other hop-by-hop fields, Trailer, Upgrade, Expect,
/// Via, X-Forwarded-For / -Proto, Cookie, ...), the names below, and any name that reads as one of them once
/// <c>_</c> is taken for <c>-</c>. Other trailer fields (checksums, signatures, timings) pass unchanged.
/// </summary>
public static class HttpTrailerPolicy
{
    private const int MaxListedLength = 19;

    private static readonly byte[][] Listed =
    [
        "authorization"u8.ToArray(), "proxy-authorization"u8.ToArray(),
        "content-type"u8.ToArray(), "content-encoding"u8.ToArray(), "content-range"u8.ToArray(), "content-location"u8.ToArray(),
        "cache-control"u8.ToArray(), "pragma"u8.ToArray(), "max-forwards"u8.ToArray(), "range"u8.ToArray(),
        "if-match"u8.ToArray(), "if-none-match"u8.ToArray(), "if-modified-since"u8.ToArray(), "if-unmodified-since"u8.ToArray(), "if-range"u8.ToArray(),
        "forwarded"u8.ToArray(), "x-forwarded-host"u8.ToArray(), "x-forwarded-port"u8.ToArray(), "x-real-ip"u8.ToArray(),
    ];

    /// <summary>True when a trailer field named <paramref name="name"/> (a validated token) is not forwarded.</summary>
    public static bool IsDropped(ReadOnlySpan<byte> name)
    {
        if (HttpHeaderNames.Identify(name) != HttpKnownHeader.Unknown || HttpHeaderNames.IdentifyFolded(name) != HttpKnownHeader.Unknown)
        {
            return true;
        }
        if (name.Length > MaxListedLength)
        {
            return false;
        }
        Span<byte> folded = stackalloc byte[MaxListedLength];
        folded = folded[..name.Length];
        name.CopyTo(folded);
        folded.Replace((byte)'_', (byte)'-');
        foreach (var listed in Listed)
        {
            if (HttpAscii.EqualsIgnoreCase(folded, listed))
            {
                return true;
            }
        }
        return false;
    }
}
