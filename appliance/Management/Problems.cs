using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Management;

/// <summary>
/// RFC 9457 problem documents, the one error shape of the API. <c>errors</c> lists every problem with the field
/// path it concerns, so a client can show each one beside its field.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Create(int status, string title, string? detail = null, IEnumerable<ConfigError>? errors = null, IDictionary<string, object?>? extensions = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = TypeFor(status),
            ["title"] = title,
            ["status"] = status,
        };
        if (detail is not null)
        {
            body["detail"] = detail;
        }
        if (errors is not null)
        {
            body["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToList();
        }
        if (extensions is not null)
        {
            foreach (var (k, v) in extensions)
            {
                body[k] = v;
            }
        }
        return Results.Json(body, statusCode: status, contentType: ContentType);
    }

    /// <summary>Writes a problem from middleware (outside endpoint results).</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail = null, IEnumerable<ConfigError>? errors = null)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        return Create(status, title, detail, errors).ExecuteAsync(context);
    }

    private static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        410 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        _ => "about:blank",
    };
}
