using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Reads the bodies of the auth and user endpoints by hand instead of through parameter binding, so that every
/// malformed body (bad JSON, unknown or duplicate field, wrong type, too big, not JSON) is a problem document listing
/// each fault, never a 500 or a bare 400.
/// </summary>
internal static class AuthJson
{
    public const int MaxBodyBytes = 64 * 1024;

    public static JsonSerializerOptions Options => ConfigJson.Options;

    /// <param name="required">When false, an empty body gives a null value instead of a problem.</param>
    public static async Task<JsonBody<T>> ReadAsync<T>(HttpContext context, bool required)
        where T : class
    {
        var read = await Management.JsonBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted, allowEmpty: !required);
        if (read.Error is not null)
        {
            return Fail<T>(read.Error);
        }
        var root = read.Value;
        if (root.ValueKind == JsonValueKind.Undefined)
        {
            return new JsonBody<T>(null, new HashSet<string>(), null);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail<T>(Malformed([new ConfigError("", "the body must be a JSON object")]));
        }

        var properties = Options.GetTypeInfo(typeof(T)).Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<ConfigError>();
        foreach (var member in root.EnumerateObject())
        {
            present.Add(member.Name);
            if (!properties.TryGetValue(member.Name, out var property))
            {
                errors.Add(new ConfigError(member.Name, $"unknown field; allowed: {string.Join(", ", properties.Keys)}"));
            }
            else if (TypeProblem(property.PropertyType, member.Value.ValueKind) is { } problem)
            {
                errors.Add(new ConfigError(member.Name, problem));
            }
        }
        if (errors.Count > 0)
        {
            return Fail<T>(Malformed(errors));
        }
        try
        {
            return new JsonBody<T>(root.Deserialize<T>(Options), present, null);
        }
        catch (JsonException ex)
        {
            // Left for values the kind check cannot see, such as a number too large for its field.
            return Fail<T>(Malformed([new ConfigError(PathOf(ex.Path), JsonErrors.Describe(ex))]));
        }
    }

    private static string? TypeProblem(Type type, JsonValueKind kind)
    {
        if (kind == JsonValueKind.Null)
        {
            return null;
        }
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return kind == JsonValueKind.String ? null : "must be a string";
        }
        if (underlying == typeof(int) || underlying == typeof(long))
        {
            return kind == JsonValueKind.Number ? null : "must be a whole number";
        }
        return null;
    }

    private static string PathOf(string? jsonPath) => jsonPath is null ? "" : jsonPath.TrimStart('$').TrimStart('.');

    private static IResult Malformed(IEnumerable<ConfigError> errors) =>
        Problems.Create(400, "Malformed request body", errors: errors);

    private static JsonBody<T> Fail<T>(IResult problem)
        where T : class => new(null, new HashSet<string>(), problem);
}
