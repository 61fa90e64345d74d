using System.Collections.Immutable;
using System.Text.Json;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config;

/// <summary>
/// One kind of stored object (pools, monitors, profiles/http, …): how to find, list, add and remove it in a
/// <see cref="FulcrumConfig"/>. The API, transactions, bundles and diffs all go through these, so every kind
/// behaves the same way.
/// </summary>
public abstract class ConfigKind
{
    protected ConfigKind(string path, string singular, Type clrType)
    {
        Path = path;
        Singular = singular;
        ClrType = clrType;
    }

    /// <summary>Path under /api/v1, e.g. <c>pools</c> or <c>profiles/http</c>.</summary>
    public string Path { get; }

    /// <summary>Name in messages, e.g. <c>pool</c>, <c>http profile</c>.</summary>
    public string Singular { get; }

    public Type ClrType { get; }

    public abstract IReadOnlyList<IConfigObject> List(FulcrumConfig config);

    public IConfigObject? Find(FulcrumConfig config, string name)
    {
        foreach (var o in List(config))
        {
            if (string.Equals(o.Name, name, StringComparison.Ordinal))
            {
                return o;
            }
        }
        return null;
    }

    /// <summary>Adds or replaces the object with the same name, keeping the list sorted.</summary>
    public abstract FulcrumConfig Upsert(FulcrumConfig config, IConfigObject value);

    public abstract FulcrumConfig Remove(FulcrumConfig config, string name);

    /// <summary>Replaces the whole list of this kind, sorted by name.</summary>
    public abstract FulcrumConfig WithAll(FulcrumConfig config, IEnumerable<IConfigObject> values);

    /// <summary>Reads one object of this kind; throws <see cref="JsonException"/> on bad JSON or shape.</summary>
    public IConfigObject Deserialize(JsonElement json)
    {
        JsonInputCheck.ThrowIfInvalid(json);
        return (IConfigObject?)json.Deserialize(ClrType, ConfigJson.Options) ?? throw new JsonException($"a {Singular} object is required, not null");
    }

    public JsonElement Serialize(IConfigObject value) => JsonSerializer.SerializeToElement(value, ClrType, ConfigJson.Options);
}

/// <summary>A <see cref="ConfigKind"/> over one immutable list of <typeparamref name="T"/>.</summary>
public sealed class ConfigKind<T> : ConfigKind where T : class, IConfigObject
{
    private readonly Func<FulcrumConfig, ImmutableArray<T>> _get;
    private readonly Func<FulcrumConfig, ImmutableArray<T>, FulcrumConfig> _set;

    public ConfigKind(string path, string singular, Func<FulcrumConfig, ImmutableArray<T>> get, Func<FulcrumConfig, ImmutableArray<T>, FulcrumConfig> set)
        : base(path, singular, typeof(T))
    {
        _get = get;
        _set = set;
    }

    public ImmutableArray<T> Items(FulcrumConfig config) => _get(config);

    public override IReadOnlyList<IConfigObject> List(FulcrumConfig config) => _get(config);

    public override FulcrumConfig Upsert(FulcrumConfig config, IConfigObject value)
    {
        var typed = (T)value;
        var items = _get(config);
        var builder = ImmutableArray.CreateBuilder<T>(items.Length + 1);
        var placed = false;
        foreach (var item in items)
        {
            var cmp = string.CompareOrdinal(item.Name, typed.Name);
            if (!placed && cmp >= 0)
            {
                builder.Add(typed);
                placed = true;
                if (cmp == 0)
                {
                    continue;
                }
            }
            builder.Add(item);
        }
        if (!placed)
        {
            builder.Add(typed);
        }
        return _set(config, builder.ToImmutable());
    }

    public override FulcrumConfig WithAll(FulcrumConfig config, IEnumerable<IConfigObject> values) =>
        _set(config, [.. values.Cast<T>().OrderBy(v => v.Name, StringComparer.Ordinal)]);

    public override FulcrumConfig Remove(FulcrumConfig config, string name) =>
        _set(config, _get(config).RemoveAll(i => string.Equals(i.Name, name, StringComparison.Ordinal)));
}
