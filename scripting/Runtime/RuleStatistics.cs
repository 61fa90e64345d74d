using System.Diagnostics;
using Fulcrum.Scripting.Events;

namespace Fulcrum.Scripting.Runtime;

/// <summary>Live counters of one rule (all its versions): executions, failures, aborts by limit, and time per event.</summary>
public sealed class RuleStatistics
{
    private readonly long[] _count = new long[RuleEvents.Count];
    private readonly long[] _ticks = new long[RuleEvents.Count];
    private readonly long[] _min = Enumerable.Repeat(long.MaxValue, RuleEvents.Count).ToArray();
    private readonly long[] _max = new long[RuleEvents.Count];
    private long _executions;
    private long _failures;
    private long _aborts;

    public RuleStatistics(string name) => Name = name;

    public string Name { get; }

    internal void Record(RuleEvent e, long ticks, RuleError? error)
    {
        var i = (int)e;
        Interlocked.Increment(ref _executions);
        Interlocked.Increment(ref _count[i]);
        Interlocked.Add(ref _ticks[i], ticks);
        long seen;
        while (ticks < (seen = Volatile.Read(ref _min[i])) && Interlocked.CompareExchange(ref _min[i], ticks, seen) != seen)
        {
        }
        while (ticks > (seen = Volatile.Read(ref _max[i])) && Interlocked.CompareExchange(ref _max[i], ticks, seen) != seen)
        {
        }
        if (error is not null)
        {
            Interlocked.Increment(ref _failures);
            if (error.Kind != RuleErrorKind.Exception)
            {
                Interlocked.Increment(ref _aborts);
            }
        }
    }

    public RuleStatisticsSnapshot Snapshot()
    {
        var events = new List<RuleEventTiming>();
        for (var i = 0; i < RuleEvents.Count; i++)
        {
            var n = Volatile.Read(ref _count[i]);
            if (n == 0)
            {
                continue;
            }
            events.Add(new RuleEventTiming(RuleEvents.Name((RuleEvent)i), n, Micros(Volatile.Read(ref _min[i])), Micros(Volatile.Read(ref _ticks[i])) / n, Micros(Volatile.Read(ref _max[i]))));
        }
        return new RuleStatisticsSnapshot(Name, Volatile.Read(ref _executions), Volatile.Read(ref _failures), Volatile.Read(ref _aborts), events);
    }

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>Counters of one rule: handler calls, those that failed, those stopped by a limit; timing per event in µs.</summary>
public sealed record RuleStatisticsSnapshot(string Name, long Executions, long Failures, long Aborts, IReadOnlyList<RuleEventTiming> Events);

public sealed record RuleEventTiming(string Event, long Executions, double MinMicros, double AvgMicros, double MaxMicros);
