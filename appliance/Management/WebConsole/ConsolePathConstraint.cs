namespace Fulcrum.Appliance.Management.WebConsole;

/// <summary>
/// Route constraint <c>console</c>: true for paths the console may answer (its files and its own page routes), false
/// for the API and the box's other endpoints, which keep their own auth and their own 401/404 answers.
/// </summary>
public sealed class ConsolePathConstraint : IRouteConstraint
{
    public const string Name = "console";

    private static readonly string[] Reserved = ["api", "openapi", "scalar", "metrics", "healthz"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        var path = values.TryGetValue(routeKey, out var v) ? v as string : null;
        return IsConsolePath(path);
    }

    public static bool IsConsolePath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return true;
        }
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? path : path[..slash];
        return !Reserved.Any(r => string.Equals(r, first, StringComparison.OrdinalIgnoreCase));
    }
}
