using Microsoft.AspNetCore.StaticFiles;

namespace Fulcrum.Appliance.Management.WebConsole;

/// <summary>
/// Serves the web console (webui's built files, copied to <see cref="FolderName"/> next to fulcrum.dll) on the
/// management listener. The files are public, as any login page is: the page then signs in through the API, and every
/// path under <c>/api</c> stays behind auth. Paths that are not a file fall back to <c>index.html</c> so the console's
/// own routes (<c>/pools/web</c>) survive a reload.
/// </summary>
public static class ConsoleEndpoints
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

    /// <summary>Registers the <c>console</c> route constraint the catch-all route uses.</summary>
    public static IServiceCollection AddConsoleRouting(this IServiceCollection services) =>
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<ConsolePathConstraint>(ConsolePathConstraint.Name));

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app, string? root = null)
    {
        var folder = Path.GetFullPath(root ?? Path.Combine(AppContext.BaseDirectory, FolderName));
        // Mapped for every method and refused below, rather than mapped for GET only: a method-restricted catch-all
        // would turn the API's own 404 for an unknown path into a 405 before the constraint is consulted.
        app.Map("/{**path:" + ConsolePathConstraint.Name + "}", (HttpContext context, string? path) =>
                HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                    ? Serve(context, folder, path)
                    : Problems.Create(405, "Method not allowed", "the console's pages are only read (GET)"))
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithOrder(int.MaxValue);
        return app;
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
