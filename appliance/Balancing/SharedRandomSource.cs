namespace Fulcrum.Appliance.Balancing;

/// <summary><see cref="Random.Shared"/>: thread-safe, lock-free, not cryptographic (a pick needs no secrecy).</summary>
public sealed class SharedRandomSource : IRandomSource
{
    public static SharedRandomSource Instance { get; } = new();

    public int Next(int maxExclusive) => Random.Shared.Next(maxExclusive);
}
