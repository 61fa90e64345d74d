namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Body of POST /api/v1/auth/login.</summary>
public sealed record LoginRequest
{
    public string? Username { get; init; }
    public string? Password { get; init; }
}
