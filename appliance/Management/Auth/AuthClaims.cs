namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Claims set on an authenticated request besides <c>ClaimTypes.Name</c> (user) and <c>ClaimTypes.Role</c> (role).
/// </summary>
public static class AuthClaims
{
    /// <summary>How the request authenticated: one of <see cref="AuthMethods"/>.</summary>
    public const string Method = "fulcrum:auth";

    /// <summary>SHA-256 (hex) of the bearer token or session cookie, so logout can revoke exactly that session.</summary>
    public const string Session = "fulcrum:session";

    /// <summary>The cookie session's anti-CSRF token, which <see cref="CsrfProtection"/> compares with the header.</summary>
    public const string Csrf = "fulcrum:csrf";
}
