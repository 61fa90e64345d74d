using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Diff;

/// <summary>
/// Compares two configurations object by object through their JSON form (the shape the API shows), so a diff names
/// fields exactly as a client writes them. Private keys never appear: a certificate's key is shown as a short
/// SHA-256 prefix, enough to see that it changed.
/// </summary>
public static class ConfigDiffer
{
    public static ConfigDiff Compare(FulcrumConfig from, FulcrumConfig to)
    {
        var added = new List<AddedObject>();
        var changed = new List<ChangedObject>();
        var removed = new List<RemovedObject>();
        foreach (var kind in ConfigKinds.All)
        {
            var olds = kind.List(from);
            var news = kind.List(to);
            var oldByName = olds.ToDictionary(o => o.Name, StringComparer.Ordinal);
            foreach (var n in news)
            {
                if (!oldByName.Remove(n.Name, out var o))
                {
                    added.Add(new AddedObject(kind.Path, n.Name, Present(kind, n)));
                    continue;
                }
                if (CompareObject(kind, o, n) is { } change)
                {
                    changed.Add(change);
                }
            }
            foreach (var o in olds.Where(o => oldByName.ContainsKey(o.Name)))
            {
                removed.Add(new RemovedObject(kind.Path, o.Name));
            }
        }
        return new ConfigDiff(added, changed, removed);
    }

    /// <summary>An object as a diff shows it: its API JSON with any private key replaced by a hash prefix.</summary>
    public static JsonObject Present(ConfigKind kind, IConfigObject value)
    {
        var node = JsonSerializer.SerializeToNode(value, kind.ClrType, ConfigJson.Options)!.AsObject();
        if (value is Certificate { Key: { } key })
        {
            node["key"] = RedactedKey(key);
        }
        return node;
    }

    public static string RedactedKey(string key) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];

    private static ChangedObject? CompareObject(ConfigKind kind, IConfigObject old, IConfigObject @new)
    {
        var a = Present(kind, old);
        var b = Present(kind, @new);
        IReadOnlyList<DiffHunk>? sourceDiff = null;
        if (old is Rule oldRule && @new is Rule newRule)
        {
            a.Remove("source");
            b.Remove("source");
            if (!string.Equals(oldRule.Source, newRule.Source, StringComparison.Ordinal))
            {
                sourceDiff = LineDiff.Compute(oldRule.Source, newRule.Source);
            }
        }
        var fields = new List<FieldChange>();
        Walk("", a, b, fields);
        return fields.Count == 0 && sourceDiff is null ? null : new ChangedObject(kind.Path, @new.Name, fields, sourceDiff);
    }

    private static void Walk(string path, JsonNode? a, JsonNode? b, List<FieldChange> into)
    {
        if (JsonNode.DeepEquals(a, b))
        {
            return;
        }
        if (a is JsonObject ao && b is JsonObject bo)
        {
            foreach (var (key, av) in ao)
            {
                Walk(Join(path, key), av, bo.TryGetPropertyValue(key, out var bv) ? bv : null, into);
            }
            foreach (var (key, bv) in bo)
            {
                if (!ao.ContainsKey(key))
                {
                    Walk(Join(path, key), null, bv, into);
                }
            }
            return;
        }
        if (a is JsonArray aa && b is JsonArray ba && MemberKeyed(aa) && MemberKeyed(ba))
        {
            var bByKey = ba.ToDictionary(MemberKeyOf, StringComparer.Ordinal);
            var aKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in aa)
            {
                var key = MemberKeyOf(item);
                aKeys.Add(key);
                Walk(Join(path, key), item, bByKey.GetValueOrDefault(key), into);
            }
            foreach (var item in ba.Where(i => !aKeys.Contains(MemberKeyOf(i))))
            {
                Walk(Join(path, MemberKeyOf(item)), null, item, into);
            }
            return;
        }
        into.Add(new FieldChange(path, a?.DeepClone(), b?.DeepClone()));
    }

    /// <summary>A non-empty list of pool members, unique by address:port: compared by member, not by position.</summary>
    private static bool MemberKeyed(JsonArray array) =>
        array.Count > 0
        && array.All(i => i is JsonObject o && o["address"] is JsonValue && o["port"] is JsonValue)
        && array.Select(MemberKeyOf).Distinct(StringComparer.Ordinal).Count() == array.Count;

    private static string MemberKeyOf(JsonNode? item) =>
        MemberKey.Format(item!["address"]!.ToString(), item["port"]!.GetValue<int>());

    private static string Join(string path, string segment)
    {
        var escaped = segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        return path.Length == 0 ? escaped : path + "/" + escaped;
    }
}
