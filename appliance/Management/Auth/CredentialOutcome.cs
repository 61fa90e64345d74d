namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// The result of a password check: <see cref="User"/> when it succeeded, <see cref="RetryAfter"/> when the throttle
/// refused to try, neither when the credentials were wrong.
/// </summary>
internal readonly record struct CredentialOutcome(User? User, TimeSpan? RetryAfter);
