using Microsoft.AspNetCore.StaticFiles;

namespace Fulcrum.Appliance.Management.WebConsole;

/// <summary>
/// Serves the web console (webui's built files, copied to <see cref="FolderName"/> next to fulcrum.dll) on the
/// management listener. The files are public, as any login page is: the page then signs in through the API, and every
/// path under <c>/api</c> stays behind auth. Paths that are not a file fall back to <c>index.html</c> so the console's
/// own routes (<c>/pools/web</c>) survive a reload.
/// </summary>
public static class ConsoleFiles
{
    public const string FolderName = "webui";

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string NotBuiltPage =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fulcrum</title></head><body>" +
        "<h1>The web console has not been built</h1><p>This fulcrum was built without Node.js/npm, so the console's files " +
        "are missing. Install Node.js 20+ with npm and build again (<code>dotnet build</code> runs <code>npm ci</code> and " +
        "<code>npm run build</code> in <code>webui/</code>). The REST API works without it: see <code>/scalar</code>.</p></body></html>";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Paths the console never answers: the API and the box's other endpoints keep their own auth and answers.</summary>
    private static readonly string[] Reserved = ["api", "openapi", "scalar", "metrics", "healthz"];

    /// <summary>
    /// Serves the console for GET and HEAD requests that no endpoint matched, before authentication (the files are
    /// public). Being last in line, it changes nothing about how the API answers, 404 and 405 included.
    /// </summary>
    public static IApplicationBuilder UseConsole(this IApplicationBuilder app, string? root = null)
    {
        var folder = Path.GetFullPath(root ?? Path.Combine(AppContext.BaseDirectory, FolderName));
        return app.Use((context, next) =>
        {
            var method = context.Request.Method;
            var path = context.Request.Path.Value ?? "/";
            if (context.GetEndpoint() is not null || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || !IsConsolePath(path))
            {
                return next(context);
            }
            return Serve(context, folder, path.TrimStart('/')).ExecuteAsync(context);
        });
    }

    public static bool IsConsolePath(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? trimmed : trimmed[..slash];
        return !Reserved.Any(r => string.Equals(r, first, StringComparison.OrdinalIgnoreCase));
    }

    private static IResult Serve(HttpContext context, string folder, string? path)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";

        var index = Path.Combine(folder, "index.html");
        if (!string.IsNullOrEmpty(path))
        {
            var full = Path.GetFullPath(Path.Combine(folder, path));
            var inside = full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (inside && File.Exists(full))
            {
                // Vite puts a content hash in every file name under assets/, so those never change.
                headers.CacheControl = path.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
                var type = ContentTypes.TryGetContentType(full, out var t) ? t : "application/octet-stream";
                return Results.File(full, type, lastModified: File.GetLastWriteTimeUtc(full));
            }
            var last = path[(path.LastIndexOf('/') + 1)..];
            if (!inside || last.Contains('.', StringComparison.Ordinal))
            {
                return Problems.Create(404, "Not found", $"no resource at /{path}");
            }
        }
        if (!File.Exists(index))
        {
            return Results.Content(NotBuiltPage, "text/html; charset=utf-8", statusCode: 503);
        }
        headers.CacheControl = "no-cache";
        return Results.File(index, "text/html; charset=utf-8", lastModified: File.GetLastWriteTimeUtc(index));
    }
}
