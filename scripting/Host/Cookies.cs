namespace Fulcrum.Scripting.Host;

/// <summary>Reads and rewrites request Cookie headers (RFC 6265 §4.2: <c>name=value</c> pairs separated by <c>; </c>).</summary>
internal static class Cookies
{
    public static string? Find(IReadOnlyList<string> headers, string name)
    {
        foreach (var header in headers)
        {
            foreach (var pair in header.Split(';'))
            {
                var p = pair.Trim();
                var eq = p.IndexOf('=');
                if (eq > 0 && p.AsSpan(0, eq).SequenceEqual(name))
                {
                    var v = p[(eq + 1)..];
                    return v.Length >= 2 && v[0] == '"' && v[^1] == '"' ? v[1..^1] : v;
                }
            }
        }
        return null;
    }

    /// <summary>One Cookie header with <paramref name="name"/> set to <paramref name="value"/>, other pairs kept in order.</summary>
    public static string Replace(IReadOnlyList<string> headers, string name, string value)
    {
        var pairs = new List<string>();
        var replaced = false;
        foreach (var header in headers)
        {
            foreach (var pair in header.Split(';'))
            {
                var p = pair.Trim();
                if (p.Length == 0)
                {
                    continue;
                }
                var eq = p.IndexOf('=');
                if (eq > 0 && p.AsSpan(0, eq).SequenceEqual(name))
                {
                    if (!replaced)
                    {
                        pairs.Add($"{name}={value}");
                        replaced = true;
                    }
                    continue;
                }
                pairs.Add(p);
            }
        }
        if (!replaced)
        {
            pairs.Add($"{name}={value}");
        }
        return string.Join("; ", pairs);
    }
}
