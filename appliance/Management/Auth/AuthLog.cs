using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Log events of management authentication, ids 2000–2099. Passwords and tokens are never logged; user names from
/// failed logins are attacker-chosen, so they pass through <see cref="Clean"/> first.
/// </summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "login succeeded: user {User} by {Method} from {Address}")]
    public static partial void LoginSucceeded(ILogger logger, string user, string method, string address);

    // Basic auth verifies on every request; logging each at Information would drown the log.
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "request authenticated: user {User} by {Method} from {Address}")]
    public static partial void RequestAuthenticated(ILogger logger, string user, string method, string address);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "login failed: user {User} by {Method} from {Address}")]
    public static partial void LoginFailed(ILogger logger, string user, string method, string address);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "login refused for {RetryAfterSeconds} s after repeated failures: user {User} from {Address}")]
    public static partial void Throttled(ILogger logger, string user, string address, int retryAfterSeconds);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "user {User} created with role {Role}")]
    public static partial void UserCreated(ILogger logger, string user, string role);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "user {User} deleted")]
    public static partial void UserDeleted(ILogger logger, string user);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "password of user {User} changed; {Sessions} sessions revoked")]
    public static partial void PasswordChanged(ILogger logger, string user, int sessions);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "user {User} updated: role {Role}")]
    public static partial void UserUpdated(ILogger logger, string user, string role);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "no users: created {User} with {Source} password")]
    public static partial void AdminCreated(ILogger logger, string user, string source);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "request refused: missing or wrong anti-CSRF token, user {User}, {Method} {Path}")]
    public static partial void CsrfRejected(ILogger logger, string user, string method, string path);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "logout: user {User} ({Method})")]
    public static partial void LoggedOut(ILogger logger, string user, string method);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "authentication failed: {Reason}, from {Address}")]
    public static partial void AuthenticationFailed(ILogger logger, string reason, string address);

    /// <summary>Caps length and replaces control characters, so a crafted user name cannot forge log lines.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "(none)";
        }
        var cut = text.Length > 64 ? text[..64] + "…" : text;
        return string.Create(cut.Length, cut, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
