namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// One load-balancing method. An instance belongs to one pool (it may keep per-pool state such as a round-robin
/// position, a smooth-weighted schedule or a Maglev table) and is called concurrently: picks take no locks.
/// The hooks follow HAProxy's lb callbacks (server up/down, weight change, connection taken/dropped); a stateless
/// method leaves them empty, as the default implementations do.
/// </summary>
public interface ILoadBalancingMethod
{
    string Name { get; }

    /// <summary>How slow ramp reaches this method; see <see cref="RampMode"/>.</summary>
    RampMode Ramp => RampMode.Skip;

    /// <summary>Chooses among the candidates (never empty); null only when the method refuses every one.</summary>
    MemberState? Pick(in PickCandidates candidates, in PickContext context);

    /// <summary>The pool's members for this generation, in pool order; called once before the first pick.</summary>
    void Attach(IReadOnlyList<MemberState> members) { }

    void MemberUp(MemberState member) { }

    void MemberDown(MemberState member) { }

    void WeightChanged(MemberState member) { }

    void ConnectionTaken(MemberState member) { }

    void ConnectionDropped(MemberState member) { }
}

/// <summary>How a method takes slow ramp into account.</summary>
public enum RampMode
{
    /// <summary>The method ignores weights: a ramping member is left out of a pick with probability 1 − share.</summary>
    Skip,
    /// <summary>The method reads <see cref="PickCandidates.Weights"/>, where the ramp share is already applied.</summary>
    Weight,
    /// <summary>Hash methods: a ramping member keeps its keys (skipping would move them back and forth).</summary>
    None,
}
