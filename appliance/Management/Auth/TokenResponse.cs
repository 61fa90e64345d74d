namespace Fulcrum.Appliance.Management.Auth;

public sealed record TokenResponse(string Token, string TokenType, DateTimeOffset ExpiresAt, string User, string Role);
