using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Fulcrum.Appliance.Diagnostics;

/// <summary>
/// A developer's look at what the process allocates: with <c>FULCRUM_ALLOC_SAMPLE=1</c> the runtime's allocation ticks
/// (one per ~100 KB allocated, with the type that crossed the mark) are counted by type and the top ones printed to
/// stderr every 10 s. Sampled, so types that allocate most show most. Off (and free) otherwise.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const long GcAllocationKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _byType = new();
    private Timer? _timer;

    public static AllocationSampler? StartIfAsked() =>
        Environment.GetEnvironmentVariable("FULCRUM_ALLOC_SAMPLE") == "1" ? new AllocationSampler() : null;

    private AllocationSampler()
    {
        _timer = new Timer(_ => Print(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcAllocationKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.Payload is { } payload)
        {
            var index = e.PayloadNames?.IndexOf("TypeName") ?? -1;
            if (index >= 0 && payload[index] is string type)
            {
                _byType.AddOrUpdate(type, 1, static (_, n) => n + 1);
            }
        }
    }

    private void Print()
    {
        var top = _byType.OrderByDescending(kv => kv.Value).Take(25).ToList();
        Console.Error.WriteLine("allocation ticks by type (~100 KB each):");
        foreach (var (type, n) in top)
        {
            Console.Error.WriteLine($"  {n,7}  {type}");
        }
        _byType.Clear();
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
        base.Dispose();
    }
}
