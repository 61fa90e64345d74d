namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// Where randomised methods (random, power-of-two, ratio-least-connections ties, slow-ramp skipping) get their
/// numbers. Production uses <see cref="SharedRandomSource"/>; tests inject a script so every pick is known.
/// Called concurrently from many connections: implementations must be thread-safe.
/// </summary>
public interface IRandomSource
{
    /// <summary>A number in <c>[0, maxExclusive)</c>; <paramref name="maxExclusive"/> is at least 1.</summary>
    int Next(int maxExclusive);
}
