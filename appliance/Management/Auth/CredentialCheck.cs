using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// One password check through the throttle, shared by Basic auth, the token and login endpoints and a user's own
/// password change, so every path that tries a password counts towards the same limit.
/// </summary>
internal static class CredentialCheck
{
    public static CredentialOutcome Check(HttpContext context, UserStore users, LoginThrottle throttle, ILogger logger, string name, string password, string method)
    {
        var address = ClientAddress(context);
        if (throttle.RetryAfter(address, name) is { } wait)
        {
            AuthLog.Throttled(logger, AuthLog.Clean(name), address, AuthProblems.RetrySeconds(wait));
            return new CredentialOutcome(null, wait);
        }
        var user = users.Verify(name, password);
        if (user is null)
        {
            throttle.Failure(address, name);
            AuthLog.LoginFailed(logger, AuthLog.Clean(name), method, address);
            return new CredentialOutcome(null, null);
        }
        throttle.Success(address, name);
        return new CredentialOutcome(user, null);
    }

    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
