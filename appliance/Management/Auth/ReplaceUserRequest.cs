namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Body of PUT /api/v1/users/{name}: the whole user. <see cref="Name"/> may be given but must match the path; an absent
/// description clears it; an absent password keeps the current one (it cannot be read back, so it cannot be resent).
/// </summary>
public sealed record ReplaceUserRequest
{
    public string? Name { get; init; }
    public string? Role { get; init; }
    public string? Description { get; init; }
    public string? Password { get; init; }
}
