using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
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

    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 16,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <param name="required">When false, an empty body gives a null value instead of a problem.</param>
    public static async Task<JsonBody<T>> ReadAsync<T>(HttpContext context, bool required)
        where T : class
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return Fail<T>(TooLarge());
        }
        var bytes = await ReadCappedAsync(request.Body, context.RequestAborted);
        if (bytes is null)
        {
            return Fail<T>(TooLarge());
        }
        if (bytes.Length == 0)
        {
            return required
                ? Fail<T>(Problems.Create(400, "Request body required", "send a JSON object with Content-Type: application/json"))
                : new JsonBody<T>(null, new HashSet<string>(), null);
        }
        // A JSON content type cannot be sent cross-site without a CORS preflight, which this API never grants.
        if (!request.HasJsonContentType())
        {
            return Fail<T>(Problems.Create(415, "Unsupported media type", "the body must be JSON, sent with Content-Type: application/json"));
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, DocumentOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Fail<T>(Malformed([new ConfigError(PathOf(ex.Path), JsonErrors.Describe(ex))]));
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

    private static async Task<byte[]?> ReadCappedAsync(Stream body, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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

    private static IResult TooLarge() =>
        Problems.Create(413, "Request body too large", $"the body may have at most {MaxBodyBytes} bytes");

    private static IResult Malformed(IEnumerable<ConfigError> errors) =>
        Problems.Create(400, "Malformed request body", errors: errors);

    private static JsonBody<T> Fail<T>(IResult problem)
        where T : class => new(null, new HashSet<string>(), problem);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = 16,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
