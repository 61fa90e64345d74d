using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Middleware (after authentication) that makes a cookie-authenticated request with an unsafe method carry the
/// session's anti-CSRF token in <see cref="AuthDefaults.CsrfHeader"/>. A cookie is sent by the browser on its own, so
/// it alone must not be enough to change anything; Basic and Bearer credentials are never sent ambiently and are
/// exempt. Anonymous endpoints (login, token) are exempt too: they need no session, and a stale one must not block them.
/// </summary>
public sealed class CsrfProtection
{
    private readonly RequestDelegate _next;
    private readonly ILogger<CsrfProtection> _logger;

    public CsrfProtection(RequestDelegate next, ILogger<CsrfProtection> logger)
    {
        _next = next;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!NeedsToken(context) || HasValidToken(context))
        {
            return _next(context);
        }
        AuthLog.CsrfRejected(_logger, context.User.FindFirstValue(ClaimTypes.Name) ?? "(none)", context.Request.Method, context.Request.Path);
        return Problems.WriteAsync(context, 403, "missing or wrong anti-CSRF token",
            $"a console request that changes something must send the {AuthDefaults.CsrfHeader} header with the csrfToken from login or GET /api/v1/auth/me");
    }

    internal static bool NeedsToken(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }
        if (context.User.FindFirstValue(AuthClaims.Method) != AuthMethods.Cookie)
        {
            return false;
        }
        return context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null;
    }

    private static bool HasValidToken(HttpContext context)
    {
        var expected = context.User.FindFirstValue(AuthClaims.Csrf);
        var given = context.Request.Headers[AuthDefaults.CsrfHeader];
        return expected is not null && given.Count == 1 && given[0] is { } value
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(expected));
    }
}
