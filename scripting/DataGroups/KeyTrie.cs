namespace Fulcrum.Scripting.DataGroups;

/// <summary>
/// A character trie over a data group's keys (or the keys reversed), answering "is some key a prefix of s" in one
/// walk of s. Edges live in one dictionary keyed by (node, char), so a million keys cost no per-node tables.
/// </summary>
internal sealed class KeyTrie
{
    private readonly Dictionary<long, int> _edges = [];
    private readonly List<bool> _terminal = [false];

    public KeyTrie(IEnumerable<string> keys, bool reversed)
    {
        foreach (var key in keys)
        {
            var node = 0;
            for (var i = 0; i < key.Length; i++)
            {
                var c = reversed ? key[key.Length - 1 - i] : key[i];
                var edge = ((long)node << 16) | c;
                if (!_edges.TryGetValue(edge, out var next))
                {
                    next = _terminal.Count;
                    _terminal.Add(false);
                    _edges[edge] = next;
                }
                node = next;
            }
            _terminal[node] = true;
        }
    }

    /// <summary>True when some key is a prefix of <paramref name="s"/> read from <paramref name="start"/> (backwards when reversed).</summary>
    public bool AnyKeyPrefixOf(ReadOnlySpan<char> s, bool backwards)
    {
        var node = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = backwards ? s[s.Length - 1 - i] : s[i];
            if (!_edges.TryGetValue(((long)node << 16) | c, out node))
            {
                return false;
            }
            if (_terminal[node])
            {
                return true;
            }
        }
        return false;
    }
}
