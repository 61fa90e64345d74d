namespace Fulcrum.Appliance.Management.Auth;

/// <summary>Body of POST /api/v1/auth/token. Without a Basic header the credentials come from here.</summary>
public sealed record TokenRequest
{
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>Token lifetime in seconds, 60 to 86400; 8 hours when absent.</summary>
    public long? ExpiresIn { get; init; }
}
