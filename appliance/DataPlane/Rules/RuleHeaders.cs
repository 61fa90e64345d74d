using System.Text;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// A rule's view of one message's header block: the fields as they will be forwarded (hop-by-hop fields and an
/// untrusted client's X-Forwarded-For left out, the proxy's own X-Forwarded-For / -Proto / Via in). Reads scan the
/// parsed head and make a string only for the value asked for; the first edit (or <see cref="Names"/>) copies the
/// fields into a list, which the proxy then writes instead of the raw lines. Framing and connection fields belong to
/// the proxy: a rule may read them but an edit is refused.
/// </summary>
internal sealed class RuleHeaders : IRuleHeaders
{
    private HttpMessageHead? _head;
    private Func<HttpMessageHead, HttpHeaderField, bool>? _forwarded;
    private List<KeyValuePair<string, string>> _extras = [];
    private List<KeyValuePair<string, string>>? _list;

    /// <summary>Views a parsed head; <paramref name="forwarded"/> says which of its fields go on.</summary>
    public void Bind(HttpMessageHead head, Func<HttpMessageHead, HttpHeaderField, bool> forwarded, List<KeyValuePair<string, string>> extras)
    {
        _head = head;
        _forwarded = forwarded;
        _extras = extras;
        _list = null;
    }

    /// <summary>Views a list the proxy made (a rule's local response).</summary>
    public void Bind(List<KeyValuePair<string, string>> fields)
    {
        _head = null;
        _forwarded = null;
        _extras = [];
        _list = fields;
    }

    /// <summary>True once the fields live in the list (edited, or a local response).</summary>
    public bool Edited => _list is not null;

    public IReadOnlyList<KeyValuePair<string, string>> Fields => Materialize();

    public string? Get(string name)
    {
        if (_list is not null)
        {
            foreach (var (n, v) in _list)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                {
                    return v;
                }
            }
            return null;
        }
        if (_head is { } head)
        {
            Span<byte> ascii = stackalloc byte[Math.Min(name.Length, 256)];
            if (name.Length > 256 || Encoding.ASCII.GetBytes(name, ascii) != name.Length)
            {
                return null;
            }
            foreach (ref readonly var field in head.Headers)
            {
                if (HttpAscii.EqualsIgnoreCase(head[field.Name], ascii) && _forwarded!(head, field))
                {
                    return Encoding.Latin1.GetString(head[field.Value]);
                }
            }
        }
        foreach (var (n, v) in _extras)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }
        return null;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        var all = new List<string>();
        foreach (var (n, v) in Materialize())
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                all.Add(v);
            }
        }
        return all;
    }

    public void Set(string name, string value)
    {
        Guard(name);
        var list = Materialize();
        var at = list.FindIndex(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
        list.RemoveAll(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
        list.Insert(at < 0 ? list.Count : Math.Min(at, list.Count), new(name, value));
    }

    public void Add(string name, string value)
    {
        Guard(name);
        Materialize().Add(new(name, value));
    }

    public void Remove(string name)
    {
        Guard(name);
        Materialize().RemoveAll(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
    }

    public IReadOnlyList<string> Names => [.. Materialize().Select(p => p.Key).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The body was collected and is sent whole: framing fields replaced by one Content-Length (Content-Encoding dropped when the body was decoded and replaced).</summary>
    public void Reframe(int length, bool dropEncoding)
    {
        var list = Materialize();
        list.RemoveAll(p => p.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase) || p.Key.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
            || (dropEncoding && p.Key.Equals("content-encoding", StringComparison.OrdinalIgnoreCase)));
        list.Add(new("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes the field lines (edited list) to <paramref name="dst"/>.</summary>
    public void WriteTo(ProxySide dst)
    {
        foreach (var (n, v) in Materialize())
        {
            var size = n.Length + v.Length + 4;
            var span = dst.GetSpan(size);
            var w = Encoding.Latin1.GetBytes(n, span);
            span[w++] = (byte)':';
            span[w++] = (byte)' ';
            w += Encoding.Latin1.GetBytes(v, span[w..]);
            span[w++] = (byte)'\r';
            span[w++] = (byte)'\n';
            dst.Advance(w);
        }
    }

    private List<KeyValuePair<string, string>> Materialize()
    {
        if (_list is not null)
        {
            return _list;
        }
        var list = new List<KeyValuePair<string, string>>();
        if (_head is { } head)
        {
            foreach (ref readonly var field in head.Headers)
            {
                if (_forwarded!(head, field))
                {
                    list.Add(new(Encoding.Latin1.GetString(head[field.Name]), Encoding.Latin1.GetString(head[field.Value])));
                }
            }
        }
        list.AddRange(_extras);
        return _list = list;
    }

    /// <summary>Fields whose edit would change the message's framing or the connection: the proxy's, not a rule's.</summary>
    private static void Guard(string name)
    {
        if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase) || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
            || name.Equals("connection", StringComparison.OrdinalIgnoreCase) || name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
            || name.Equals("proxy-connection", StringComparison.OrdinalIgnoreCase) || name.Equals("te", StringComparison.OrdinalIgnoreCase)
            || name.Equals("upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("trailer", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"the '{name}' header is managed by the proxy (message framing and connection)");
        }
    }
}
