namespace Fulcrum.Appliance.Health;

/// <summary>What one probe found: the target answered as wanted, did not, or asked to be taken out of service.</summary>
public enum ProbeOutcome
{
    Up,
    Down,
    /// <summary>The answer matched the monitor's receive-disable pattern: alive, but not to be given new traffic.</summary>
    Disabled,
}

/// <summary>
/// The result of one probe. <see cref="Reason"/> starts with the monitor type and says what was seen, e.g.
/// <c>tcp: connection refused</c> or <c>http: status 503 not expected</c>; an up result usually has none.
/// </summary>
public readonly record struct ProbeResult(ProbeOutcome Outcome, string? Reason)
{
    public static ProbeResult Up() => new(ProbeOutcome.Up, null);

    public static ProbeResult Down(string reason) => new(ProbeOutcome.Down, reason);

    public static ProbeResult Disabled(string reason) => new(ProbeOutcome.Disabled, reason);
}
