namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// The console's session cookie: HttpOnly so script cannot read it, SameSite=Strict so other sites cannot send it,
/// Secure whenever the management listener is HTTPS (on plain HTTP a Secure cookie would never come back).
/// </summary>
internal static class SessionCookie
{
    public static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = context.Request.IsHttps,
        Expires = expires,
        IsEssential = true,
    };

    public static void Set(HttpContext context, IssuedSession session) =>
        context.Response.Cookies.Append(AuthDefaults.CookieName, session.Token, Options(context, session.ExpiresAt));

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(AuthDefaults.CookieName, Options(context, null));
}
