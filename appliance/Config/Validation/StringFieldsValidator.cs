using System.Runtime.CompilerServices;
using System.Text.Json;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// Every string of every object, list items and nested members included, is within its <see cref="StringLimits"/>
/// and free of control characters (NUL in any field; CR, LF and the rest in one-line fields, which end up in headers,
/// log lines, argv and file names). Values written into HTTP headers are checked against RFC 9110 grammar.
/// Walks each object's JSON so a field added later is covered without a change here; results are cached per record,
/// which later generations share while the object is unchanged.
/// </summary>
internal sealed class StringFieldsValidator : IConfigValidator
{
    private static readonly ConditionalWeakTable<object, List<ConfigError>> Cache = new();

    public void Validate(ValidationContext context)
    {
        foreach (var kind in ConfigKinds.All)
        {
            foreach (var o in kind.List(context.Config))
            {
                if (NameRules.Problem(o.Name) is not null)
                {
                    continue;
                }
                foreach (var e in Cache.GetValue(o, _ => Check(kind, o)))
                {
                    context.Add(e.Path, e.Message);
                }
            }
        }
    }

    private static List<ConfigError> Check(ConfigKind kind, IConfigObject o)
    {
        var errors = new List<ConfigError>();
        var prefix = $"{kind.Path}/{o.Name}";
        foreach (var property in kind.Serialize(o).EnumerateObject())
        {
            // Names have their own rules; data group records are judged with their type by DataGroupValidator.
            if (property.Name == "name" || (kind == ConfigKinds.DataGroups && property.Name == "records"))
            {
                continue;
            }
            Walk(kind, property.Value, $"{prefix}/{property.Name}", property.Name, errors);
        }
        return errors;
    }

    private static void Walk(ConfigKind kind, JsonElement value, string path, string field, List<ConfigError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                if (Problem(kind, field, value.GetString()!) is { } problem)
                {
                    errors.Add(new ConfigError(path, problem));
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Walk(kind, item, $"{path}/{i++}", field, errors);
                }
                break;
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject())
                {
                    Walk(kind, p.Value, $"{path}/{p.Name}", p.Name, errors);
                }
                break;
        }
    }

    private static string? Problem(ConfigKind kind, string field, string value)
    {
        var limit = StringLimits.For(field);
        // A rule's source is measured by the rule compiler, which says so with its own diagnostic.
        if (value.Length > limit && field != "source")
        {
            return $"{field} may have at most {limit} characters, not {value.Length}";
        }
        var multiLine = StringLimits.IsMultiLine(field);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0' || (!multiLine && (c < 0x20 || c == 0x7F)))
            {
                return multiLine
                    ? $"{field} may not contain NUL; found at character {i + 1}"
                    : $"{field} may not contain control characters (CR, LF, NUL, …): it is one line; found {Describe(c)} at character {i + 1}";
            }
        }
        if (kind == ConfigKinds.HttpProfiles && field == "serverHeaderValue")
        {
            return HeaderGrammar.FieldValueProblem(value) is { } p ? $"serverHeaderValue: {p}" : null;
        }
        if (kind == ConfigKinds.PersistenceProfiles && field == "cookieName" && !HeaderGrammar.IsToken(value))
        {
            return "cookieName must be a token (letters, digits and !#$%&'*+-.^_`|~), as a Set-Cookie name must";
        }
        return null;
    }

    private static string Describe(char c) => c switch
    {
        '\r' => "CR",
        '\n' => "LF",
        '\0' => "NUL",
        '\t' => "TAB",
        _ => $"U+{(int)c:X4}",
    };
}
