using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Scripting.DataGroups;

/// <summary>Builds the lookup structure for a data group once, when the configuration that holds it is published.</summary>
public static class DataGroupIndex
{
    /// <param name="type"><c>string | address | integer</c>.</param>
    public static IRuleDataGroup Build(string name, string type, IEnumerable<KeyValuePair<string, string>> records) => type switch
    {
        "address" => new AddressDataGroup(name, records),
        "integer" => new IntegerDataGroup(name, records),
        _ => new StringDataGroup(name, records),
    };

    /// <summary>A provider over a fixed set of groups.</summary>
    public static IDataGroupProvider Provider(IEnumerable<IRuleDataGroup> groups) => new FixedProvider(groups.ToFrozenDictionary(g => g.Name, StringComparer.Ordinal));

    private sealed class FixedProvider(FrozenDictionary<string, IRuleDataGroup> groups) : IDataGroupProvider
    {
        public IRuleDataGroup? Find(string name) => groups.GetValueOrDefault(name);
    }
}

/// <summary>String keys: exact match by hash; prefix, suffix and substring by trie walks, never a scan of the keys.</summary>
internal sealed class StringDataGroup : IRuleDataGroup
{
    private readonly FrozenDictionary<string, string> _records;
    private readonly KeyTrie _forward;
    private readonly KeyTrie _backward;

    public StringDataGroup(string name, IEnumerable<KeyValuePair<string, string>> records)
    {
        Name = name;
        _records = records.ToFrozenDictionary(StringComparer.Ordinal);
        _forward = new KeyTrie(_records.Keys, reversed: false);
        _backward = new KeyTrie(_records.Keys, reversed: true);
    }

    public string Name { get; }

    public bool Match(string key) => _records.ContainsKey(key);

    public bool StartsWith(string s) => _forward.AnyKeyPrefixOf(s, backwards: false);

    public bool EndsWith(string s) => _backward.AnyKeyPrefixOf(s, backwards: true);

    public bool Contains(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (_forward.AnyKeyPrefixOf(s.AsSpan(i), backwards: false))
            {
                return true;
            }
        }
        return false;
    }

    public string? Value(string key) => _records.GetValueOrDefault(key);
}

/// <summary>CIDR keys: the longest prefix holding an address wins. One table per prefix length in use, longest first.</summary>
internal sealed class AddressDataGroup : IRuleDataGroup
{
    private readonly (int Length, FrozenDictionary<UInt128, string> Prefixes)[] _v4;
    private readonly (int Length, FrozenDictionary<UInt128, string> Prefixes)[] _v6;

    public AddressDataGroup(string name, IEnumerable<KeyValuePair<string, string>> records)
    {
        Name = name;
        var v4 = new Dictionary<int, Dictionary<UInt128, string>>();
        var v6 = new Dictionary<int, Dictionary<UInt128, string>>();
        foreach (var (key, value) in records)
        {
            if (!TryParseCidr(key, out var address, out var length, out var isV6))
            {
                continue;
            }
            var table = isV6 ? v6 : v4;
            if (!table.TryGetValue(length, out var prefixes))
            {
                table[length] = prefixes = [];
            }
            prefixes[Mask(address, length, isV6)] = value;
        }
        _v4 = [.. v4.OrderByDescending(p => p.Key).Select(p => (p.Key, p.Value.ToFrozenDictionary()))];
        _v6 = [.. v6.OrderByDescending(p => p.Key).Select(p => (p.Key, p.Value.ToFrozenDictionary()))];
    }

    public string Name { get; }

    public bool Match(string key) => Lookup(key) is not null;

    public string? Value(string key) => Lookup(key);

    public bool StartsWith(string s) => Match(s);

    public bool EndsWith(string s) => Match(s);

    public bool Contains(string s) => Match(s);

    private string? Lookup(string key)
    {
        if (!TryParseCidr(key, out var address, out _, out var isV6))
        {
            return null;
        }
        foreach (var (length, prefixes) in isV6 ? _v6 : _v4)
        {
            if (prefixes.TryGetValue(Mask(address, length, isV6), out var value))
            {
                return value;
            }
        }
        return null;
    }

    private static UInt128 Mask(UInt128 address, int length, bool isV6)
    {
        var bits = isV6 ? 128 : 32;
        return length == 0 ? 0 : address & (UInt128.MaxValue << (bits - length)) & (isV6 ? UInt128.MaxValue : uint.MaxValue);
    }

    internal static bool TryParseCidr(string text, out UInt128 address, out int length, out bool isV6)
    {
        address = 0;
        length = 0;
        isV6 = false;
        var slash = text.IndexOf('/');
        var ipText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!IPAddress.TryParse(ipText, out var ip))
        {
            return false;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        isV6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        length = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > bits))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var written);
        foreach (var b in bytes[..written])
        {
            address = (address << 8) | b;
        }
        return true;
    }
}

/// <summary>Integer keys compared as numbers ("007" matches 7).</summary>
internal sealed class IntegerDataGroup : IRuleDataGroup
{
    private readonly FrozenDictionary<long, string> _records;

    public IntegerDataGroup(string name, IEnumerable<KeyValuePair<string, string>> records)
    {
        Name = name;
        var d = new Dictionary<long, string>();
        foreach (var (k, v) in records)
        {
            if (long.TryParse(k, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                d[n] = v;
            }
        }
        _records = d.ToFrozenDictionary();
    }

    public string Name { get; }

    public bool Match(string key) => Parse(key) is { } n && _records.ContainsKey(n);

    public string? Value(string key) => Parse(key) is { } n ? _records.GetValueOrDefault(n) : null;

    public bool StartsWith(string s) => Match(s);

    public bool EndsWith(string s) => Match(s);

    public bool Contains(string s) => Match(s);

    private static long? Parse(string s) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
