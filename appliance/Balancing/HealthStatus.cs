namespace Fulcrum.Appliance.Balancing;

/// <summary>What the monitors say of a member. <see cref="Disabled"/> comes from a receive-disable match: existing and persisted traffic only.</summary>
public enum HealthStatus
{
    Unchecked,
    Up,
    Down,
    Disabled,
}
