using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>The 401, 403 and 429 problem documents of authentication, with the headers each status needs.</summary>
internal static class AuthProblems
{
    public static IResult Unauthorized(HttpContext context, string? detail, bool invalidToken = false)
    {
        var headers = context.Response.Headers;
        // A browser shows its own login dialog on a Basic challenge, even to fetch(); the console says it is an XHR
        // client, and then only gets the Bearer challenge, so an expired session lands on its own login form.
        if (!IsXhr(context.Request))
        {
            headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{AuthDefaults.Realm}\", charset=\"UTF-8\"");
        }
        headers.Append(HeaderNames.WWWAuthenticate, invalidToken
            ? $"Bearer realm=\"{AuthDefaults.Realm}\", error=\"invalid_token\""
            : $"Bearer realm=\"{AuthDefaults.Realm}\"");
        return Problems.Create(401, "Authentication required",
            detail ?? "send HTTP Basic credentials, a Bearer token from POST /api/v1/auth/token, or log in with POST /api/v1/auth/login");
    }

    public static IResult TooManyAttempts(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = RetrySeconds(retryAfter);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Create(429, "Too many failed logins",
            $"too many failed logins for this user or from this address; try again in {seconds} s");
    }

    public static IResult Forbidden(string? role, IReadOnlyCollection<string> needed)
    {
        var detail = needed.Count == 0
            ? "your role may not do this"
            : $"this needs the role {string.Join(" or ", needed)}; you are {role ?? "without a role"}";
        return Problems.Create(403, "Forbidden", detail, extensions: new Dictionary<string, object?>
        {
            ["requiredRoles"] = needed,
            ["role"] = role,
        });
    }

    public static int RetrySeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    private static bool IsXhr(HttpRequest request) =>
        string.Equals(request.Headers.XRequestedWith, "XMLHttpRequest", StringComparison.OrdinalIgnoreCase);
}
