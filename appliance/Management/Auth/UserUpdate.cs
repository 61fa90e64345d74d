namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Changes to one user, applied together or not at all. Null leaves a field as it is; the description needs
/// <see cref="SetDescription"/> because null is also a value it can be set to.
/// </summary>
public sealed record UserUpdate
{
    public string? Role { get; init; }
    public string? Password { get; init; }
    public bool SetDescription { get; init; }
    public string? Description { get; init; }
}
