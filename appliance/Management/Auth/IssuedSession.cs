namespace Fulcrum.Appliance.Management.Auth;

/// <summary>A new session: <see cref="Token"/> goes to the client once and is not kept anywhere.</summary>
public sealed record IssuedSession(string Token, string IdHash, string User, string Kind, string? CsrfToken, DateTimeOffset ExpiresAt);
