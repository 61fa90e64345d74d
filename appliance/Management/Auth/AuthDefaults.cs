namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Names the management API's authentication is wired by: the scheme, the console's cookie and CSRF header.</summary>
public static class AuthDefaults
{
    /// <summary>The one authentication scheme; it reads Basic, Bearer and the session cookie.</summary>
    public const string Scheme = "Fulcrum";

    public const string CookieName = "fulcrum_session";

    public const string CsrfHeader = "X-CSRF-Token";

    public const string Realm = "fulcrum";
}
