using System.Text.Json;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Scripting.Testing;

/// <summary>A header block as an ordered list of fields; the test bench's <see cref="IRuleHeaders"/>.</summary>
public sealed class HeaderList : IRuleHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public HeaderList()
    {
    }

    public HeaderList(IEnumerable<KeyValuePair<string, string>> fields) => _fields.AddRange(fields);

    internal static HeaderList From(Dictionary<string, JsonElement>? headers)
    {
        var list = new HeaderList();
        foreach (var (name, value) in headers ?? [])
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var v in value.EnumerateArray())
                {
                    list.Add(name, v.ToString());
                }
            }
            else
            {
                list.Add(name, value.ToString());
            }
        }
        return list;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public string? Get(string name)
    {
        foreach (var (n, v) in _fields)
        {
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }
        return null;
    }

    public IReadOnlyList<string> GetAll(string name) =>
        [.. _fields.Where(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value)];

    public void Set(string name, string value)
    {
        var i = _fields.FindIndex(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        Remove(name);
        _fields.Insert(i < 0 ? _fields.Count : Math.Min(i, _fields.Count), new(name, value));
    }

    public void Add(string name, string value) => _fields.Add(new(name, value));

    public void Remove(string name) => _fields.RemoveAll(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<string> Names => [.. _fields.Select(f => f.Key).Distinct(StringComparer.OrdinalIgnoreCase)];

    internal Dictionary<string, List<string>> ToDictionary()
    {
        var d = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (n, v) in _fields)
        {
            var key = n.ToLowerInvariant();
            if (!d.TryGetValue(key, out var values))
            {
                d[key] = values = [];
            }
            values.Add(v);
        }
        return d;
    }
}
