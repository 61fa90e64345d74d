using System.Collections.Immutable;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing;

/// <summary>Builds balancing state for test pools: members 10.0.0.1:80, 10.0.0.2:80, … unless given.</summary>
public sealed class TestPools
{
    private long _generation;

    public TestPools(FulcrumConfig config, TimeProvider? time = null, IRandomSource? random = null)
    {
        Clock = time as FakeClock;
        Runtime.Publish(RuntimeCompiler.Compile(++_generation, config));
        State = new BalancingState(Runtime, time ?? new FakeClock(), random ?? new SeededRandom(1));
        Config = config;
    }

    public RuntimeModel Runtime { get; } = new();

    public BalancingState State { get; }

    public FakeClock? Clock { get; }

    public FulcrumConfig Config { get; private set; }

    public PoolState Pool(string name = "p") => State.Pool(name)!;

    public void Publish(FulcrumConfig config)
    {
        Config = config;
        Runtime.Publish(RuntimeCompiler.Compile(++_generation, config));
    }

    public static TestPools Of(string mode, int[] ratios, TimeProvider? time = null, IRandomSource? random = null, Func<Pool, Pool>? edit = null, ImmutableArray<Node> nodes = default)
    {
        var pool = new Pool
        {
            Name = "p",
            LoadBalancingMode = mode,
            Members = [.. ratios.Select((r, i) => Member(i, r))],
        };
        return new TestPools(FulcrumConfig.Default with { Pools = [edit is null ? pool : edit(pool)], Nodes = nodes.IsDefault ? [] : nodes }, time, random);
    }

    public static PoolMember Member(int i, int ratio = 1, int priorityGroup = 0, string state = MemberStates.Enabled, int limit = 0) =>
        new() { Address = $"10.0.{i / 250}.{1 + i % 250}", Port = 80, Ratio = ratio, PriorityGroup = priorityGroup, State = state, ConnectionLimit = limit };

    /// <summary>How many of <paramref name="picks"/> went to each member (by pool position); optionally holding each connection open.</summary>
    public static int[] Count(PoolState pool, int picks, bool hold = false, Func<int, PickContext>? context = null)
    {
        var counts = new int[pool.Members.Count];
        for (var i = 0; i < picks; i++)
        {
            var m = pool.Pick(context?.Invoke(i) ?? default) ?? throw new InvalidOperationException("no member picked");
            counts[IndexOf(pool, m)]++;
            if (hold)
            {
                m.ConnectionOpened();
            }
        }
        return counts;
    }

    public static int IndexOf(PoolState pool, MemberState m)
    {
        for (var i = 0; i < pool.Members.Count; i++)
        {
            if (ReferenceEquals(pool.Members[i], m))
            {
                return i;
            }
        }
        return -1;
    }

    public static MemberHealth Up => new(HealthStatus.Up, null, DateTimeOffset.UnixEpoch);

    public static MemberHealth Down => new(HealthStatus.Down, "test", DateTimeOffset.UnixEpoch);
}
