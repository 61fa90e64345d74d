namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// A live login session. <see cref="Role"/> is read from the user at validation time, so a role change applies to
/// sessions already open. <see cref="Csrf"/> is set for cookie sessions only.
/// </summary>
public sealed record Session(string IdHash, string User, string Role, string Kind, string? Csrf, DateTimeOffset Created, DateTimeOffset Expires);
