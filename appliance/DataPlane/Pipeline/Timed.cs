namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// Something with a deadline the <see cref="TimeoutSweeper"/> enforces. The links make it a node of its loop's list:
/// registering a connection allocates nothing.
/// </summary>
public abstract class Timed
{
    /// <summary><see cref="Environment.TickCount64"/> after which <see cref="Expire"/> is called; 0 when none is set.</summary>
    public abstract long Deadline { get; }

    public abstract void Expire();

    internal Timed? Previous;
    internal Timed? Next;
    internal object? Shard;
}
