namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Body of PATCH /api/v1/users/{name}: only the fields sent change. A user changing their own password sends
/// <see cref="Password"/> and <see cref="CurrentPassword"/>, whatever their role.
/// </summary>
public sealed record PatchUserRequest
{
    public string? Role { get; init; }
    public string? Description { get; init; }
    public string? Password { get; init; }
    public string? CurrentPassword { get; init; }
}
