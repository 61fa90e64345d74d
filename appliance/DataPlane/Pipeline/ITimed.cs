namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>Something with a deadline the <see cref="TimeoutSweeper"/> enforces.</summary>
public interface ITimed
{
    /// <summary><see cref="Environment.TickCount64"/> after which <see cref="Expire"/> is called; 0 when none is set.</summary>
    long Deadline { get; }

    void Expire();
}
