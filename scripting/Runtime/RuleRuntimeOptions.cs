namespace Fulcrum.Scripting.Runtime;

public sealed record RuleRuntimeOptions
{
    /// <summary>Loaded engines kept per rule version (besides the one kept at hand for the next event); more are made when busy, and dropped when returned past this once none has had to be made for 30 s.</summary>
    public int MaxPooledEnginesPerRule { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Entries the shared table may hold.</summary>
    public int MaxTableEntries { get; init; } = 100_000;

    /// <summary>Log lines per second per rule before sampling starts.</summary>
    public int LogLinesPerSecond { get; init; } = 50;

    /// <summary>Once over the rate, one line in this many is still written (with the count suppressed).</summary>
    public int LogSampleOneIn { get; init; } = 100;
}
