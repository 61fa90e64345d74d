using System.Text.Json;
using System.Text.Unicode;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Validation;
using Microsoft.AspNetCore.Http.Features;

namespace Fulcrum.Appliance.Management;

/// <summary>
/// Reads a request body as JSON under a size cap, refusing (never throwing on) a wrong media type, an oversized
/// body, invalid UTF-8 and malformed JSON, each with a problem document that says which.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 1 << 20;
    public const int LargeMaxBytes = 64 << 20;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false };

    public readonly record struct Outcome(JsonElement Value, IResult? Error);

    /// <param name="allowEmpty">When true, an empty body gives an <see cref="JsonValueKind.Undefined"/> value instead of a problem.</param>
    public static async Task<Outcome> ReadAsync(HttpRequest request, int maxBytes = DefaultMaxBytes, CancellationToken cancellationToken = default, bool allowEmpty = false)
    {
        if (request.ContentLength > maxBytes)
        {
            return Fail(TooLarge(maxBytes));
        }
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1L;
        }
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int n;
            while ((n = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    return Fail(TooLarge(maxBytes));
                }
                buffer.Write(chunk, 0, n);
            }
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail(TooLarge(maxBytes));
        }
        if (bytes.Length == 0)
        {
            return allowEmpty
                ? new Outcome(default, null)
                : Fail(Problems.Create(400, "Invalid request body", "the request has no body; a JSON object is required"));
        }
        // A JSON content type cannot be sent cross-site without a CORS preflight, which this API never grants.
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return Fail(Problems.Create(415, "Unsupported media type", $"send JSON with Content-Type: application/json, not '{request.ContentType}'"));
        }
        if (Charset(request.ContentType) is { } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            // Decoding by the declared charset would accept what no other client of the API can send; JSON is UTF-8 (RFC 8259 §8.1).
            return Fail(Problems.Create(415, "Unsupported media type", $"send JSON as UTF-8 (charset=utf-8 or no charset), not charset={(charset.Length > 32 ? charset[..32] + "…" : charset)}"));
        }
        if (!Utf8.IsValid(bytes))
        {
            return Fail(Problems.Create(400, "Invalid request body", "the body is not valid UTF-8"));
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes, DocumentOptions);
            if (JsonInputCheck.InvalidStrings(doc.RootElement) is { } bad)
            {
                return Fail(Problems.Create(400, "Invalid request body", "the body is not valid JSON text", [new ConfigError(bad.Path.Length == 0 ? "body" : bad.Path, bad.Message)]));
            }
            return new Outcome(doc.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return Fail(Problems.Create(400, "Invalid request body", "the body is not valid JSON", [new ConfigError("body", JsonErrors.Describe(ex))]));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-member check decodes every member name and throws this (not a JsonException) on a lone surrogate.
            return Fail(Problems.Create(400, "Invalid request body", "the body is not valid JSON text", [new ConfigError("body", "a member name holds a lone UTF-16 surrogate escape (\\ud800-\\udfff without its pair), which is not text")]));
        }
    }

    /// <summary>Deserializes a JSON element into a DTO with the config dialect's strictness; a problem on failure.</summary>
    public static (T? Value, IResult? Error) Bind<T>(JsonElement element) where T : class
    {
        if (JsonInputCheck.InvalidStringsOrNullItems(element) is { } bad)
        {
            return (null, Problems.Create(400, "Invalid request body", "the body does not have the expected shape", [new ConfigError(bad.Path.Length == 0 ? "body" : "body/" + bad.Path, bad.Message)]));
        }
        try
        {
            var value = element.Deserialize<T>(Config.ConfigJson.Options);
            return value is null
                ? (null, Problems.Create(400, "Invalid request body", "a JSON object is required"))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Create(400, "Invalid request body", "the body does not have the expected shape", [new ConfigError("body" + (ex.Path is { Length: > 1 } p ? "/" + p.TrimStart('$', '.').Replace('.', '/') : ""), JsonErrors.Describe(ex))]));
        }
    }

    private static string? Charset(string? contentType) =>
        contentType is not null && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            ? parsed.CharSet?.Trim('"')
            : null;

    private static IResult TooLarge(int maxBytes) =>
        Problems.Create(413, "Request body too large", $"this endpoint accepts at most {maxBytes} bytes");

    private static Outcome Fail(IResult error) => new(default, error);
}
