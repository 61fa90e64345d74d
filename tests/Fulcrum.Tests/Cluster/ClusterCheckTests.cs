using Fulcrum.Appliance.Cluster;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Tests.Cluster;

public sealed class ClusterCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 14, 0, 0, TimeSpan.Zero);

    private static readonly FulcrumConfig Config = FulcrumConfig.Default with
    {
        Virtuals =
        [
            new VirtualServer { Name = "www", Destination = "192.0.2.10:80" },
            new VirtualServer { Name = "off", Destination = "192.0.2.12:80", Enabled = false },
        ],
    };

    private static ClusterStateFile State(long generation = 4, string listenerState = "listening", double ageSeconds = 0.5) => new()
    {
        Pid = 42,
        Generation = generation,
        Written = Now.AddSeconds(-ageSeconds),
        Listeners = [new("www", "192.0.2.10:80", listenerState, listenerState == "error" ? "AddressNotAvailable" : null)],
    };

    [Fact]
    public void Evaluate_CurrentAndListening_Healthy() =>
        Assert.Null(ClusterCheck.Evaluate(State(), 4, Config, Now, _ => true));

    [Fact]
    public void Evaluate_NoStateFile_Unhealthy() =>
        Assert.StartsWith("no cluster state file", ClusterCheck.Evaluate(null, 4, Config, Now, _ => true));

    [Fact]
    public void Evaluate_ProcessGone_Unhealthy() =>
        Assert.Equal("the appliance process 42 is gone", ClusterCheck.Evaluate(State(), 4, Config, Now, _ => false));

    [Fact]
    public void Evaluate_StaleHeartbeat_Unhealthy() =>
        Assert.Contains("the process hangs", ClusterCheck.Evaluate(State(ageSeconds: 3.5), 4, Config, Now, _ => true));

    [Fact]
    public void Evaluate_OlderGenerationRunning_Unhealthy() =>
        Assert.Equal("the appliance runs generation 3, the store's current one is 4", ClusterCheck.Evaluate(State(generation: 3), 4, Config, Now, _ => true));

    [Fact]
    public void Evaluate_ListenerInError_UnhealthyWithItsError() =>
        Assert.Equal("virtual www (192.0.2.10:80) is error: AddressNotAvailable", ClusterCheck.Evaluate(State(listenerState: "error"), 4, Config, Now, _ => true));

    [Fact]
    public void Evaluate_EnabledVirtualWithoutListener_Unhealthy() =>
        Assert.Equal("virtual www (192.0.2.10:80) has no listener", ClusterCheck.Evaluate(State() with { Listeners = [] }, 4, Config, Now, _ => true));

    [Fact]
    public void ProcessAlive_ThisProcess_TrueAndNoSuchPid_False()
    {
        Assert.True(ClusterCheck.ProcessAlive(Environment.ProcessId));
        Assert.False(ClusterCheck.ProcessAlive(int.MaxValue));
    }
}
