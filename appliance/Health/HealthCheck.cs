using System.Globalization;
using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// The state machine of one check (a monitor against a target), LTM's semantics:
/// <list type="bullet">
/// <item>A new check is <c>unchecked</c>. Its first answer decides at once: a failure marks it down (it was never seen
/// up, so there is no grace), a success marks it up (or keeps it down until <c>timeUntilUp</c> has passed).</item>
/// <item>Once up, a failed probe does not mark it down: it goes down when no probe has succeeded for <c>timeout</c>
/// seconds, with the last failure as the reason.</item>
/// <item>From down (or unchecked) it goes up at the first success, or after <c>timeUntilUp</c> seconds of successes with no failure between.</item>
/// <item>A receive-disable match is <c>disabled</c> at once (alive, takes no new traffic); it refreshes the timeout like a success.</item>
/// <item>With <c>manualResume</c>, a check that goes down from up or disabled stays down, whatever it sees, until resumed.</item>
/// </list>
/// Times are <see cref="TimeSpan"/>s since the monitor started (from the <see cref="TimeProvider"/>'s timestamp);
/// <c>wall</c> times are for <see cref="Since"/>. Not thread-safe: the <see cref="HealthMonitor"/> holds its lock.
/// </summary>
public sealed class HealthCheck
{
    internal HealthCheck(CheckKey key, CompiledMonitor monitor, IHealthProbe probe, TimeSpan now, DateTimeOffset wall)
    {
        Key = key;
        Monitor = monitor;
        Probe = probe;
        Started = now;
        Since = wall;
    }

    public CheckKey Key { get; }

    public CompiledMonitor Monitor { get; internal set; }

    internal IHealthProbe Probe { get; set; }

    public HealthStatus Status { get; private set; } = HealthStatus.Unchecked;

    public string? Reason { get; private set; }

    public DateTimeOffset Since { get; private set; }

    /// <summary>Status changes since the check was created.</summary>
    public long Transitions { get; private set; }

    /// <summary>Down and held down by <c>manualResume</c> until an operator resumes it.</summary>
    public bool AwaitingResume { get; private set; }

    internal TimeSpan Started { get; }

    internal TimeSpan? LastSuccess { get; private set; }

    internal TimeSpan? PassingSince { get; private set; }

    internal string? LastFailure { get; private set; }

    // Scheduling, owned by the HealthMonitor.
    internal TimeSpan NextProbe { get; set; }
    internal TimeSpan QueuedDue { get; set; }
    internal bool InFlight { get; set; }
    internal bool Removed { get; set; }
    internal CancellationTokenSource? Attempt { get; set; }
    internal List<MemberTracker> Members { get; } = [];

    /// <summary>The probe interval now: <c>upInterval</c> while up, else <c>interval</c>.</summary>
    internal TimeSpan CurrentInterval => Status == HealthStatus.Up ? Monitor.UpInterval : Monitor.Interval;

    /// <summary>When the check goes down if no probe succeeds before; null while down or unchecked (the first answer decides those).</summary>
    internal TimeSpan? DownDeadline => Status is HealthStatus.Up or HealthStatus.Disabled ? (LastSuccess ?? Started) + Monitor.Timeout : null;

    /// <summary>Applies one probe result; true when the status or reason changed.</summary>
    internal bool Apply(ProbeResult result, TimeSpan now, DateTimeOffset wall)
    {
        switch (result.Outcome)
        {
            case ProbeOutcome.Up:
                LastSuccess = now;
                LastFailure = null;
                PassingSince ??= now;
                if (AwaitingResume)
                {
                    return Set(HealthStatus.Down, $"{Monitor.Type}: passing, held down until resumed (manual resume)", wall);
                }
                if (Status != HealthStatus.Up && Monitor.TimeUntilUp > TimeSpan.Zero && now - PassingSince.Value < Monitor.TimeUntilUp)
                {
                    return Set(HealthStatus.Down, string.Create(CultureInfo.InvariantCulture, $"{Monitor.Type}: passing, up after {Monitor.Config.TimeUntilUp}s of success (time until up)"), wall);
                }
                return Set(HealthStatus.Up, result.Reason, wall);

            case ProbeOutcome.Disabled:
                LastSuccess = now;
                LastFailure = null;
                PassingSince = null;
                return AwaitingResume
                    ? Set(HealthStatus.Down, $"{Monitor.Type}: answering, held down until resumed (manual resume)", wall)
                    : Set(HealthStatus.Disabled, result.Reason, wall);

            default:
                PassingSince = null;
                LastFailure = result.Reason ?? $"{Monitor.Type}: failed";
                if (AwaitingResume)
                {
                    return Set(HealthStatus.Down, $"{LastFailure} (manual resume)", wall);
                }
                // Up and disabled checks keep their status until the timeout passes (Expire); others show the failure now.
                return Status is HealthStatus.Up or HealthStatus.Disabled ? false : Set(HealthStatus.Down, LastFailure, wall);
        }
    }

    /// <summary>Marks the check down when its timeout passed without a success; true when that happened.</summary>
    internal bool Expire(TimeSpan now, DateTimeOffset wall)
    {
        if (DownDeadline is not { } deadline || now < deadline)
        {
            return false;
        }
        var reason = LastFailure ?? string.Create(CultureInfo.InvariantCulture, $"{Monitor.Type}: no answer within {Monitor.Config.Timeout}s");
        if (Monitor.Config.ManualResume)
        {
            AwaitingResume = true;
            reason += " (manual resume)";
        }
        return Set(HealthStatus.Down, reason, wall);
    }

    /// <summary>Releases a manual-resume hold; the check is up at once if its last probe passed, else at the next success. True when it was held.</summary>
    internal bool Resume(DateTimeOffset wall)
    {
        if (!AwaitingResume)
        {
            return false;
        }
        AwaitingResume = false;
        if (PassingSince is not null && LastFailure is null)
        {
            Set(HealthStatus.Up, null, wall);
        }
        else
        {
            Set(HealthStatus.Down, LastFailure ?? $"{Monitor.Type}: resumed, waiting for a successful probe", wall);
        }
        return true;
    }

    private bool Set(HealthStatus status, string? reason, DateTimeOffset wall)
    {
        if (status == Status && reason == Reason)
        {
            return false;
        }
        if (status != Status)
        {
            Transitions++;
            Since = wall;
            Status = status;
        }
        Reason = reason;
        return true;
    }
}
