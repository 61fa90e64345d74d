namespace Fulcrum.Appliance.Balancing;

/// <summary>A member's health as last decided, why (e.g. <c>tcp: connection refused</c>), and since when.</summary>
public sealed record MemberHealth(HealthStatus Status, string? Reason, DateTimeOffset Since)
{
    public static MemberHealth Unchecked { get; } = new(HealthStatus.Unchecked, null, DateTimeOffset.UnixEpoch);

    public string StatusName => Status switch
    {
        HealthStatus.Up => "up",
        HealthStatus.Down => "down",
        HealthStatus.Disabled => "disabled",
        _ => "unchecked",
    };
}
