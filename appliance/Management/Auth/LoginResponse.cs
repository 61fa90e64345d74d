namespace Fulcrum.Appliance.Management.Auth;

public sealed record LoginResponse(string User, string Role, string CsrfToken, DateTimeOffset ExpiresAt);
