namespace Fulcrum.Appliance.Management.Auth;

/// <summary>A management user as the API shows it; the password hash never leaves <see cref="UserStore"/>.</summary>
public sealed record User(string Name, string Role, string? Description, DateTimeOffset Created, DateTimeOffset Updated);
