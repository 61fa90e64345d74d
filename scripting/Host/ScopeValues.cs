using Jint.Native;

namespace Fulcrum.Scripting.Host;

/// <summary>
/// Values of <c>ctx.vars</c> or <c>ctx.req</c>, kept outside any engine so the next event (on whichever pooled engine)
/// sees them. Primitives are kept as they are; objects and arrays as JSON, read back as a fresh copy.
/// </summary>
internal sealed class ScopeValues
{
    public const int MaxKeys = 256;
    public const int MaxChars = 1 << 20;

    private readonly Dictionary<string, (JsValue? Value, string? Json)> _values = new(StringComparer.Ordinal);
    private int _chars;

    public int Count => _values.Count;

    public IEnumerable<string> Keys => _values.Keys;

    public bool TryGet(string key, out JsValue? value, out string? json)
    {
        if (_values.TryGetValue(key, out var v))
        {
            (value, json) = v;
            return true;
        }
        value = null;
        json = null;
        return false;
    }

    /// <summary>Stores a value; returns an error message when a bound would be passed.</summary>
    public string? Set(string key, JsValue? value, string? json)
    {
        var chars = key.Length + (json?.Length ?? (value is JsString s ? s.Length : 8));
        var old = _values.TryGetValue(key, out var prev) ? key.Length + (prev.Json?.Length ?? (prev.Value is JsString ps ? ps.Length : 8)) : 0;
        if (old == 0 && _values.Count >= MaxKeys)
        {
            return $"at most {MaxKeys} variables per scope";
        }
        if (_chars - old + chars > MaxChars)
        {
            return $"at most {MaxChars} characters of variables per scope";
        }
        _chars += chars - old;
        _values[key] = (value, json);
        return null;
    }

    public void Clear()
    {
        _values.Clear();
        _chars = 0;
    }

    public void Remove(string key)
    {
        if (_values.Remove(key, out var prev))
        {
            _chars -= key.Length + (prev.Json?.Length ?? (prev.Value is JsString s ? s.Length : 8));
        }
    }
}
