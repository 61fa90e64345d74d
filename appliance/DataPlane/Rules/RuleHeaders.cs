using Fulcrum.Appliance.DataPlane.Http;
using System.Text;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// A rule's view of one message's header block: the fields as they will be forwarded (hop-by-hop fields and an
/// untrusted client's X-Forwarded-For left out, the proxy's own X-Forwarded-For / -Proto / Via in). Reads scan the
/// parsed head and make a string only for the value asked for; the first edit (or <see cref="Names"/>) copies the
/// field list into an edit list, which the proxy then writes instead of the raw lines. Framing and connection fields
/// belong to the proxy: a rule may read them but an edit is refused.
/// </summary>
/// <remarks>
/// The edit list holds untouched fields as references to the parsed head, not strings, and is reused for every
/// message of the connection: a rule that sets one header on each keep-alive request allocates nothing here, and
/// the untouched lines go out as the client sent them.
/// </remarks>
internal sealed class RuleHeaders : IRuleHeaders
{
    private static readonly List<KeyValuePair<string, string>> NoExtras = [];

    private readonly List<Entry> _edits = [];
    private HttpMessageHead? _head;
    private HopByHop _forwarded;
    private List<KeyValuePair<string, string>> _extras = NoExtras;
    private bool _edited;

    /// <summary>Views a parsed head; <paramref name="forwarded"/> (over that head) says which of its fields go on.</summary>
    public void Bind(HopByHop forwarded, List<KeyValuePair<string, string>> extras)
    {
        _head = forwarded.Head;
        _forwarded = forwarded;
        _extras = extras;
        _edits.Clear();
        _edited = false;
    }

    /// <summary>Views a list the proxy made (a rule's local response).</summary>
    public void Bind(List<KeyValuePair<string, string>> fields)
    {
        _head = null;
        _forwarded = default;
        _extras = NoExtras;
        _edits.Clear();
        foreach (var (n, v) in fields)
        {
            _edits.Add(new Entry(-1, n, v));
        }
        _edited = true;
    }

    /// <summary>True once the fields live in the edit list (edited, or a local response).</summary>
    public bool Edited => _edited;

    public string? Get(string name)
    {
        if (_edited)
        {
            foreach (var entry in _edits)
            {
                if (Is(entry, name))
                {
                    return ValueOf(entry);
                }
            }
            return null;
        }
        if (_head is { } head)
        {
            foreach (ref readonly var field in head.Headers)
            {
                if (NameEquals(head[field.Name], name) && _forwarded.Forwards(field))
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
        foreach (var entry in Materialize())
        {
            if (Is(entry, name))
            {
                all.Add(ValueOf(entry));
            }
        }
        return all;
    }

    public void Set(string name, string value)
    {
        Guard(name);
        var list = Materialize();
        var at = -1;
        var kept = 0;
        for (var i = 0; i < list.Count; i++)
        {
            if (Is(list[i], name))
            {
                if (at < 0)
                {
                    at = kept;
                }
                continue;
            }
            list[kept++] = list[i];
        }
        list.RemoveRange(kept, list.Count - kept);
        list.Insert(at < 0 ? list.Count : at, new Entry(-1, name, value));
    }

    public void Add(string name, string value)
    {
        Guard(name);
        Materialize().Add(new Entry(-1, name, value));
    }

    public void Remove(string name)
    {
        Guard(name);
        RemoveAll(Materialize(), name, alsoName: null, andName: null);
    }

    public IReadOnlyList<string> Names
    {
        get
        {
            var names = new List<string>();
            foreach (var entry in Materialize())
            {
                var n = NameOf(entry);
                if (!names.Contains(n, StringComparer.OrdinalIgnoreCase))
                {
                    names.Add(n);
                }
            }
            return names;
        }
    }

    /// <summary>The body was collected and is sent whole: framing fields replaced by one Content-Length (Content-Encoding dropped when the body was decoded and replaced).</summary>
    public void Reframe(int length, bool dropEncoding)
    {
        var list = Materialize();
        RemoveAll(list, "content-length", "transfer-encoding", dropEncoding ? "content-encoding" : null);
        list.Add(new Entry(-1, "Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes the field lines (edited list) to <paramref name="dst"/>.</summary>
    public void WriteTo(ProxySide dst)
    {
        foreach (var entry in Materialize())
        {
            if (entry.Raw >= 0)
            {
                var head = _head!;
                dst.Append(head[head.Headers[entry.Raw].Line]);
                continue;
            }
            var (n, v) = (entry.Name!, entry.Value!);
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

    private List<Entry> Materialize()
    {
        if (_edited)
        {
            return _edits;
        }
        if (_head is { } head)
        {
            var fields = head.Headers;
            for (var i = 0; i < fields.Length; i++)
            {
                if (_forwarded.Forwards(fields[i]))
                {
                    _edits.Add(new Entry(i, null, null));
                }
            }
        }
        foreach (var (n, v) in _extras)
        {
            _edits.Add(new Entry(-1, n, v));
        }
        _edited = true;
        return _edits;
    }

    private void RemoveAll(List<Entry> list, string name, string? alsoName, string? andName)
    {
        var kept = 0;
        for (var i = 0; i < list.Count; i++)
        {
            var e = list[i];
            if (Is(e, name) || (alsoName is not null && Is(e, alsoName)) || (andName is not null && Is(e, andName)))
            {
                continue;
            }
            list[kept++] = e;
        }
        list.RemoveRange(kept, list.Count - kept);
    }

    private bool Is(in Entry entry, string name) => entry.Raw >= 0
        ? NameEquals(_head![_head.Headers[entry.Raw].Name], name)
        : string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase);

    private string NameOf(in Entry entry) => entry.Raw >= 0 ? Encoding.Latin1.GetString(_head![_head.Headers[entry.Raw].Name]) : entry.Name!;

    private string ValueOf(in Entry entry) => entry.Raw >= 0 ? Encoding.Latin1.GetString(_head![_head.Headers[entry.Raw].Value]) : entry.Value!;

    /// <summary>A field name on the wire against a rule's name, ASCII case-insensitively (names are tokens: ASCII only).</summary>
    private static bool NameEquals(ReadOnlySpan<byte> wire, string name) =>
        wire.Length == name.Length && Ascii.EqualsIgnoreCase(wire, name);

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

    /// <summary>One field of the edit list: an index into the parsed head's fields (<see cref="Raw"/> ≥ 0), or a name and value.</summary>
    private readonly record struct Entry(int Raw, string? Name, string? Value);
}
