namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Authorization policy names used on endpoints.</summary>
public static class Policies
{
    /// <summary>Any signed-in user (admin, operator, auditor).</summary>
    public const string Read = "read";
    /// <summary>admin or auditor: users list, audit log.</summary>
    public const string ReadSensitive = "read-sensitive";
    /// <summary>admin or operator; endpoints then check the kind with <see cref="Roles.CanWrite"/>.</summary>
    public const string Write = "write";
    /// <summary>admin only.</summary>
    public const string Admin = "admin";
}
