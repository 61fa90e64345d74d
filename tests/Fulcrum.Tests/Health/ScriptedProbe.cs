using System.Collections.Concurrent;
using System.Net;
using Fulcrum.Appliance.Health;

namespace Fulcrum.Tests.Health;

/// <summary>A probe whose answers the test sets per target (up by default); it completes at once and counts its calls.</summary>
public sealed class ScriptedProbe(string type) : IHealthProbe
{
    private readonly ConcurrentDictionary<IPEndPoint, ProbeResult> _answers = new();
    private readonly ConcurrentDictionary<IPEndPoint, int> _calls = new();

    public string Type { get; } = type;

    public void Answer(string target, ProbeResult result) => _answers[IPEndPoint.Parse(target)] = result;

    public int Calls(string target) => _calls.GetValueOrDefault(IPEndPoint.Parse(target));

    public int TotalCalls => _calls.Values.Sum();

    public List<TimeSpan> CallTimes { get; } = [];

    public Func<TimeSpan>? Clock { get; set; }

    public ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(target, 1, (_, n) => n + 1);
        if (Clock is { } clock)
        {
            lock (CallTimes)
            {
                CallTimes.Add(clock());
            }
        }
        return ValueTask.FromResult(_answers.GetValueOrDefault(target, ProbeResult.Up()));
    }
}
