using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Appliance.Health;

/// <summary>What the monitors know of one member: its transitions and each check that governs it.</summary>
public sealed record MemberHealthReport(long Transitions, IReadOnlyList<CheckReport> Checks);

/// <summary>One check as reported: <paramref name="Scope"/> is <c>pool</c> or <c>node</c>.</summary>
public sealed record CheckReport(string Monitor, string Type, string Scope, HealthStatus Status, string? Reason, DateTimeOffset Since, long Transitions, bool AwaitingResume);

/// <summary>What a resume call found.</summary>
public enum ResumeOutcome
{
    Resumed,
    /// <summary>The member is monitored but was not held by manual resume.</summary>
    NotHeld,
    PoolNotFound,
    MemberNotFound,
    /// <summary>No monitor governs the member.</summary>
    NotMonitored,
}
