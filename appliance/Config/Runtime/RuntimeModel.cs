namespace Fulcrum.Appliance.Config.Runtime;

/// <summary>
/// Holds the current <see cref="RuntimeSnapshot"/>. Readers take <see cref="Current"/> once (per connection) and keep
/// that reference: they never lock and always see one whole generation. Writers publish a new snapshot with one
/// reference swap and then tell subscribers (listeners, monitors) to reconcile.
/// </summary>
public sealed class RuntimeModel
{
    private RuntimeSnapshot _current = RuntimeSnapshot.Empty;

    public RuntimeSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after each publish, on the publishing thread, with the new snapshot.</summary>
    public event Action<RuntimeSnapshot>? Published;

    public void Publish(RuntimeSnapshot snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        Published?.Invoke(snapshot);
    }
}
