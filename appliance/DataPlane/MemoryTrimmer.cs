using System.Diagnostics;
using System.Runtime;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane;

/// <summary>
/// Gives the memory of connections that are gone back to the system once a load has dropped. A connection's objects
/// (socket, streams, session, pooled async boxes) live long enough to reach generation 2, and an idle proxy allocates
/// almost nothing, so no generation-2 collection would ever run: the dead connections and the GC regions holding them
/// stayed resident (RSS 682 MB after 5,000 L4 connections had closed). Every <see cref="Period"/> this compares the live
/// connection count with its peak since the last trim; once it has fallen by half (and at least
/// <see cref="TrimDecision.MinDrop"/>) and stopped falling, it runs a full collection, the pending finalizers, then one
/// aggressive collection (compacting, blocking, decommitting the freed regions and trimming the shared array pool), at
/// most once per <see cref="TrimDecision.MinInterval"/>. The finalizers matter: without them a single aggressive
/// collection after 2,000 slowloris connections found 40 MiB still live (finalizable objects keep what they reference
/// for one more collection) and RSS stayed ~35 MB above its start; with them, 9 MiB and back to the start.
/// </summary>
public sealed class MemoryTrimmer : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private readonly TimeoutSweeper _connections;
    private readonly ILogger _logger;
    private readonly TrimDecision _decision = new();

    public MemoryTrimmer(TimeoutSweeper connections, ILogger<MemoryTrimmer> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var live = _connections.Count;
                if (_decision.Observe(Environment.TickCount64, live) is { } peak)
                {
                    Trim(peak, live);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Trim(int peak, int live)
    {
        var before = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        // Objects with finalizers (and all they reference) survive the first collection that finds them dead: run
        // the finalizers, then collect aggressively.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        DataPlaneLog.MemoryTrimmed(_logger, peak, live, before >> 20, Environment.WorkingSet >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20, elapsed);
    }
}
