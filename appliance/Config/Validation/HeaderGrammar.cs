namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// RFC 9110 grammar for config values the proxy or a monitor writes onto the wire: a value that breaks it would let
/// configuration inject header fields (<c>"x\r\nSet-Cookie: a=b"</c>) or split a request.
/// </summary>
public static class HeaderGrammar
{
    private const string TokenSymbols = "!#$%&'*+-.^_`|~";

    public static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || TokenSymbols.Contains(c, StringComparison.Ordinal);

    /// <summary>RFC 9110 §5.6.2 token: a header field name, a method, a cookie name.</summary>
    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Why <paramref name="value"/> is not an RFC 9110 §5.5 field-value the proxy can write as it is, or null. Only
    /// visible ASCII, space and tab, not at either end: obs-text is refused too because values are written as ASCII.
    /// </summary>
    public static string? FieldValueProblem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\r' or '\n' or '\0')
            {
                return $"a header field value may not contain {Describe(c)} (at character {i + 1}): it would end the field and inject what follows";
            }
            if (!(c is '\t' or ' ' || (c > 0x20 && c < 0x7F)))
            {
                return $"a header field value may hold only visible ASCII characters, spaces and tabs; found {Describe(c)} at character {i + 1}";
            }
        }
        if (value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t'))
        {
            return "a header field value may not start or end with a space or tab";
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="request"/> (a monitor's send string after unescaping) is not one HTTP/1.x request head:
    /// <c>METHOD SP target SP HTTP/1.0|1.1 CRLF</c>, then <c>name: value CRLF</c> lines, then an empty line; CR and LF
    /// only as CRLF, no NUL. What follows the empty line is a body, sent as it is. Null when it is one.
    /// </summary>
    public static string? HttpRequestProblem(string request)
    {
        var end = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return "an http send string must end its header block with an empty line (\\r\\n\\r\\n)";
        }
        var head = request[..(end + 2)];
        var lines = head.Split("\r\n");
        // Splitting "a\r\nb\r\n" gives a trailing empty entry; every other entry is one line.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return $"line {i + 1} of the send string holds a bare CR or LF; lines end with \\r\\n";
            }
            var problem = i == 0 ? RequestLineProblem(line) : HeaderLineProblem(line);
            if (problem is not null)
            {
                return $"line {i + 1} of the send string: {problem}";
            }
        }
        if (request.AsSpan(end).IndexOf('\0') >= 0)
        {
            return "the send string may not contain NUL";
        }
        return null;
    }

    private static string? RequestLineProblem(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 3)
        {
            return "the request line must be 'METHOD target HTTP/1.1', with single spaces";
        }
        if (!IsToken(parts[0]))
        {
            return $"'{Shorten(parts[0])}' is not a method (a token)";
        }
        if (parts[1].Length == 0 || parts[1].Any(c => c <= 0x20 || c >= 0x7F))
        {
            return "the request target must be visible ASCII without spaces";
        }
        if (parts[2] is not ("HTTP/1.0" or "HTTP/1.1"))
        {
            return $"'{Shorten(parts[2])}' is not HTTP/1.0 or HTTP/1.1";
        }
        return null;
    }

    private static string? HeaderLineProblem(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
        {
            return $"'{Shorten(line)}' is not a header field 'name: value' with a token name";
        }
        var value = line[(colon + 1)..].Trim(' ', '\t');
        return FieldValueProblem(value);
    }

    private static string Describe(char c) => c switch
    {
        '\r' => "CR",
        '\n' => "LF",
        '\0' => "NUL",
        _ => $"U+{(int)c:X4}",
    };

    private static string Shorten(string s) => s.Length > 32 ? s[..32] + "…" : s;
}
