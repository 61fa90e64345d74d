namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Body of POST /api/v1/users. Fields are nullable so a missing one is a listed 422 error, not a parse failure.</summary>
public sealed record CreateUserRequest
{
    public string? Name { get; init; }
    public string? Role { get; init; }
    public string? Password { get; init; }
    public string? Description { get; init; }
}
