namespace Fulcrum.Appliance.Http;

/// <summary>
/// RFC 9110 §7.2 / RFC 3986 §3.2.2 <c>uri-host [ ":" port ]</c>, checked byte by byte. Host decides routing, so anything a
/// backend might read differently (spaces, userinfo, IPvFuture, odd ports) is refused rather than passed on.
/// </summary>
internal static class HttpHostSyntax
{
    private const int MaxPortDigits = 5;

    /// <summary>True for <c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c>. Empty is false; callers decide if empty is allowed.</summary>
    public static bool IsValid(ReadOnlySpan<byte> authority, bool requirePort)
    {
        if (authority.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<byte> rest;
        if (authority[0] == HttpCharacters.OpenBracket)
        {
            var close = authority.IndexOf(HttpCharacters.CloseBracket);
            if (close < 2 || authority[1..close].ContainsAnyExcept(HttpCharacters.Ipv6Literal))
            {
                return false;
            }

            rest = authority[(close + 1)..];
        }
        else
        {
            var colon = authority.IndexOf(HttpCharacters.Colon);
            var name = colon < 0 ? authority : authority[..colon];
            if (name.IsEmpty || name.ContainsAnyExcept(HttpCharacters.RegName))
            {
                return false;
            }

            rest = colon < 0 ? default : authority[colon..];
        }

        if (rest.IsEmpty)
        {
            return !requirePort;
        }

        // An empty port ("host:") is legal per RFC 3986 but no real client sends it, and backends disagree on what it means.
        var port = rest[1..];
        return rest[0] == HttpCharacters.Colon
            && port.Length is > 0 and <= MaxPortDigits
            && !port.ContainsAnyExcept(HttpCharacters.Digits);
    }
}
