namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// What one rule has used of its limits so far in the event being dispatched, carried from one of its handlers to the
/// next so that all of them share one budget. Times are <see cref="System.Diagnostics.Stopwatch"/> ticks.
/// </summary>
internal struct EventUsage
{
    /// <summary>CPU time charged (see <see cref="CpuDeadline"/> for how it is measured).</summary>
    public long Cpu;

    /// <summary>Wall-clock time spent in the rule's handlers (the backstop, and the statistics).</summary>
    public long Wall;

    public int Statements;
}
