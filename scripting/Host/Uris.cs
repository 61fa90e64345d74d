using System.Text;

namespace Fulcrum.Scripting.Host;

/// <summary>Request-target helpers: split path and query, percent-decode, remove dot segments.</summary>
internal static class Uris
{
    public static (string Path, string Query) SplitTarget(string target)
    {
        var hash = target.IndexOf('#');
        if (hash >= 0)
        {
            target = target[..hash];
        }
        var q = target.IndexOf('?');
        return q < 0 ? (target, "") : (target[..q], target[(q + 1)..]);
    }

    /// <summary>Decodes %XX sequences as UTF-8 (invalid sequences stay as they are); '+' as space in query strings.</summary>
    public static string PercentDecode(string s, bool plusIsSpace)
    {
        if (s.IndexOf('%') < 0 && (!plusIsSpace || s.IndexOf('+') < 0))
        {
            return s;
        }
        var bytes = new List<byte>(s.Length);
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%' && i + 2 < s.Length && Uri.IsHexDigit(s[i + 1]) && Uri.IsHexDigit(s[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }
            Flush(bytes, sb);
            sb.Append(plusIsSpace && c == '+' ? ' ' : c);
        }
        Flush(bytes, sb);
        return sb.ToString();
    }

    private static void Flush(List<byte> bytes, StringBuilder sb)
    {
        if (bytes.Count > 0)
        {
            sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }

    /// <summary>
    /// The path as a server would resolve it: percent-decoded once, backslashes as slashes, repeated slashes
    /// collapsed, and <c>.</c> / <c>..</c> segments removed (RFC 3986 §5.2.4), never above the root.
    /// </summary>
    public static string NormalizePath(string path)
    {
        var decoded = PercentDecode(path, plusIsSpace: false).Replace('\\', '/');
        var segments = new List<string>();
        foreach (var segment in decoded.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }
        var trailing = decoded.Length > 1 && (decoded.EndsWith('/') || decoded.EndsWith("/.", StringComparison.Ordinal) || decoded.EndsWith("/..", StringComparison.Ordinal));
        return "/" + string.Join('/', segments) + (trailing && segments.Count > 0 ? "/" : "");
    }

    public static IEnumerable<(string Name, string Value)> ParseQuery(string query)
    {
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            yield return eq < 0
                ? (PercentDecode(part, true), "")
                : (PercentDecode(part[..eq], true), PercentDecode(part[(eq + 1)..], true));
        }
    }
}
