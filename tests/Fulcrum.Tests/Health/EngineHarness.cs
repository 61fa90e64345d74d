using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Health;
using Fulcrum.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulcrum.Tests.Health;

/// <summary>The health engine on a manual clock with scripted probes: time moves in small steps and due checks run at each.</summary>
public sealed class EngineHarness : IDisposable
{
    private long _generation;

    public EngineHarness(FulcrumConfig config, params ScriptedProbe[] probes)
    {
        Runtime = new RuntimeModel();
        Runtime.Publish(RuntimeCompiler.Compile(++_generation, config));
        Balancing = new BalancingState(Runtime);
        Probes = probes;
        Monitor = new HealthMonitor(Balancing, Runtime, new ProbeRegistry(probes), Time, NullLogger<HealthMonitor>.Instance);
        Balancing.Changed += _ => Monitor.Reconcile();
        Monitor.Reconcile();
    }

    public FakeClock Time { get; } = new();

    public RuntimeModel Runtime { get; }

    public BalancingState Balancing { get; }

    public HealthMonitor Monitor { get; }

    public ScriptedProbe[] Probes { get; }

    public void Publish(FulcrumConfig config) => Runtime.Publish(RuntimeCompiler.Compile(++_generation, config));

    public MemberState Member(string pool, string key) => Balancing.Pool(pool)!.Members.Single(m => m.Key == key);

    /// <summary>Advances the clock by <paramref name="seconds"/> in 50 ms steps, running due checks at each step.</summary>
    public void Run(double seconds)
    {
        var step = TimeSpan.FromMilliseconds(50);
        var end = Time.Elapsed + TimeSpan.FromSeconds(seconds);
        Monitor.RunDue();
        while (Time.Elapsed < end)
        {
            Time.Advance(step);
            Monitor.RunDue();
        }
    }

    /// <summary>Runs until the member has <paramref name="status"/>; returns the time it took, or throws after <paramref name="maxSeconds"/>.</summary>
    public TimeSpan RunUntil(MemberState member, HealthStatus status, double maxSeconds = 30)
    {
        var start = Time.Elapsed;
        Monitor.RunDue();
        while (member.Health.Status != status)
        {
            if (Time.Elapsed - start > TimeSpan.FromSeconds(maxSeconds))
            {
                throw new Xunit.Sdk.XunitException($"{member.Key} did not become {status} within {maxSeconds}s; it is {member.Health.Status}: {member.Health.Reason}");
            }
            Time.Advance(TimeSpan.FromMilliseconds(50));
            Monitor.RunDue();
        }
        return Time.Elapsed - start;
    }

    public void Dispose() => Monitor.Dispose();
}
