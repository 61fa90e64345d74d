using System.Net;
using BenchmarkDotNet.Attributes;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Bench;

/// <summary>
/// The cost of one <see cref="PoolState.Pick"/> per method: priority-group and selectability filtering, slow ramp off,
/// then the method. Members have ratios 1–4 and one of them is disabled, so the filter always has work to do (the
/// case that used to allocate a candidates array).
/// </summary>
[MemoryDiagnoser]
public class PickBenchmarks
{
    private PoolState _pool = null!;
    private PickContext _context;

    [Params(
        LoadBalancingModes.RoundRobin, LoadBalancingModes.Ratio, LoadBalancingModes.LeastConnections,
        LoadBalancingModes.WeightedLeastConnections, LoadBalancingModes.RatioLeastConnections, LoadBalancingModes.Fastest,
        LoadBalancingModes.Observed, LoadBalancingModes.Predictive, LoadBalancingModes.LeastSessions, LoadBalancingModes.Random,
        LoadBalancingModes.PowerOfTwo, LoadBalancingModes.SourceHash, LoadBalancingModes.ConsistentHash)]
    public string Method { get; set; } = LoadBalancingModes.RoundRobin;

    [Params(10, 1000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var pool = new Pool
        {
            Name = "bench",
            LoadBalancingMode = Method,
            Members = [.. Enumerable.Range(0, Members).Select(i => new PoolMember
            {
                Address = $"10.{i / 62500}.{i / 250 % 250}.{1 + i % 250}",
                Port = 80,
                Ratio = 1 + i % 4,
                State = i == 1 ? MemberStates.Disabled : MemberStates.Enabled,
            })],
        };
        var runtime = new RuntimeModel();
        runtime.Publish(RuntimeCompiler.Compile(1, FulcrumConfig.Default with { Pools = [pool] }));
        _pool = new BalancingState(runtime).Pool("bench")!;
        _context = new PickContext(IPAddress.Parse("192.0.2.10"), "session-4711");
        for (var i = 0; i < _pool.Members.Count; i++)
        {
            for (var c = 0; c < i % 5; c++)
            {
                _pool.Members[i].ConnectionOpened();
            }
        }
    }

    [Benchmark]
    public MemberState? Pick() => _pool.Pick(_context);
}
