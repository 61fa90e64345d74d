using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Tests.Balancing;

/// <summary>Returns the scripted values in order (each taken modulo the bound asked for), then repeats them.</summary>
public sealed class ScriptedRandom(params int[] values) : IRandomSource
{
    private int _next;

    public int Next(int maxExclusive) => values[_next++ % values.Length] % maxExclusive;
}

/// <summary>A seeded generator: "random" but the same on every run.</summary>
public sealed class SeededRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);
}
