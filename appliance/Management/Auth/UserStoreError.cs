namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Why <see cref="UserStore"/> refused a change; the API maps these to 404, 409 and 422.</summary>
public enum UserStoreError
{
    NotFound,
    Conflict,
    Invalid,
}
