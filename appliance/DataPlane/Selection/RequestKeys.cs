using System.Text;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Selection;

/// <summary>
/// The request parts a hash key or a hash/cookie persistence profile names (<c>uri</c>, <c>path</c>,
/// <c>header:NAME</c>, <c>cookie:NAME</c>), read from a parsed head as strings. Called only when a pool or profile
/// asks for one, so requests of other virtuals make no strings.
/// </summary>
public static class RequestKeys
{
    /// <summary>The value <paramref name="spec"/> names in <paramref name="request"/>, or null when absent (or the spec names no request part).</summary>
    public static string? Get(HttpRequestHead? request, string? spec)
    {
        if (request is null || spec is null)
        {
            return null;
        }
        return spec switch
        {
            "uri" => Latin1(request[request.Target]),
            "path" => Latin1(PathOf(request[request.Target])),
            _ when spec.StartsWith("header:", StringComparison.Ordinal) => Header(request, spec.AsSpan("header:".Length)),
            _ when spec.StartsWith("cookie:", StringComparison.Ordinal) => Cookie(request, spec.AsSpan("cookie:".Length)),
            _ => null,
        };
    }

    /// <summary>The first field named <paramref name="name"/> (any case), or null.</summary>
    public static string? Header(HttpMessageHead head, ReadOnlySpan<char> name)
    {
        if (head is HttpRequestHead { HostFromTarget: true } request && name.Equals("host", StringComparison.OrdinalIgnoreCase))
        {
            return Latin1(request[request.Host]); // the absolute-form authority, which is what the member gets as Host
        }
        Span<byte> bytes = name.Length <= 256 ? stackalloc byte[name.Length] : new byte[name.Length];
        var n = Encoding.ASCII.GetBytes(name, bytes);
        return head.TryGetValue(bytes[..n], out var value) ? Latin1(value) : null;
    }

    /// <summary>The value of cookie <paramref name="name"/> in the request's <c>Cookie</c> fields (all of them, <c>a=1; b=2</c>), or null.</summary>
    public static string? Cookie(HttpMessageHead head, ReadOnlySpan<char> name)
    {
        foreach (ref readonly var field in head.Headers)
        {
            if (field.Known != HttpKnownHeader.Cookie)
            {
                continue;
            }
            var rest = head[field.Value];
            while (!rest.IsEmpty)
            {
                var semi = rest.IndexOf((byte)';');
                var pair = semi < 0 ? rest : rest[..semi];
                rest = semi < 0 ? default : rest[(semi + 1)..];
                pair = pair.Trim((byte)' ');
                var eq = pair.IndexOf((byte)'=');
                if (eq > 0 && NameEquals(pair[..eq].TrimEnd((byte)' '), name))
                {
                    return Latin1(Unquote(pair[(eq + 1)..].Trim((byte)' ')));
                }
            }
        }
        return null;
    }

    /// <summary>The name and value of a <c>Set-Cookie</c> field value (<c>name=value; attributes</c>).</summary>
    public static bool TrySplitSetCookie(ReadOnlySpan<byte> setCookie, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var semi = setCookie.IndexOf((byte)';');
        var pair = semi < 0 ? setCookie : setCookie[..semi];
        var eq = pair.IndexOf((byte)'=');
        if (eq <= 0)
        {
            name = value = default;
            return false;
        }
        name = pair[..eq].Trim((byte)' ');
        value = Unquote(pair[(eq + 1)..].Trim((byte)' '));
        return true;
    }

    public static bool NameEquals(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> name)
    {
        if (bytes.Length != name.Length)
        {
            return false;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != name[i])
            {
                return false;
            }
        }
        return true;
    }

    public static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> v) =>
        v.Length >= 2 && v[0] == (byte)'"' && v[^1] == (byte)'"' ? v[1..^1] : v;

    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target)
    {
        var q = target.IndexOf((byte)'?');
        return q < 0 ? target : target[..q];
    }
}
