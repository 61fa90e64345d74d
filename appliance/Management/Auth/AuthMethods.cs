namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Values of the <see cref="AuthClaims.Method"/> claim; bearer and cookie are also the session kinds in the store.</summary>
public static class AuthMethods
{
    public const string Basic = "basic";
    public const string Bearer = "bearer";
    public const string Cookie = "cookie";
}
