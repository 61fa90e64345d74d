using System.Diagnostics;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Health;
using Fulcrum.Appliance.Health.Probes;
using Microsoft.Extensions.Logging.Abstractions;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

/// <summary>The real engine, real probes and the real service loop on the system clock, for one pool of one monitor.</summary>
public sealed class LiveMonitor : IAsyncDisposable
{
    private readonly HealthMonitorService _service;

    private LiveMonitor(FulcrumConfig config, IHealthProbe[] probes)
    {
        Runtime.Publish(RuntimeCompiler.Compile(1, config));
        Balancing = new BalancingState(Runtime);
        Monitor = new HealthMonitor(Balancing, Runtime, new ProbeRegistry(probes), TimeProvider.System, NullLogger<HealthMonitor>.Instance);
        _service = new HealthMonitorService(Monitor, Balancing);
    }

    public RuntimeModel Runtime { get; } = new();

    public BalancingState Balancing { get; }

    public HealthMonitor Monitor { get; }

    internal static IHealthProbe[] RealProbes(bool rawHalfOpen = true) =>
    [
        new TcpProbe(), new TcpHalfOpenProbe(NullLogger<TcpHalfOpenProbe>.Instance, rawHalfOpen), new HttpProbe(), new HttpsProbe(),
        new UdpProbe(), new IcmpProbe(), new ExternalProbe(),
    ];

    /// <summary>Monitors one member (<paramref name="address"/>:<paramref name="port"/>) of pool <c>p</c> with <paramref name="monitor"/>.</summary>
    public static async Task<LiveMonitor> StartAsync(Monitor monitor, string address, int port, bool rawHalfOpen = true)
    {
        var config = HealthStateMachineTests.Config([monitor], [new Pool { Name = "p", Monitors = [monitor.Name], Members = [new PoolMember { Address = address, Port = port }] }]);
        var live = new LiveMonitor(config, RealProbes(rawHalfOpen));
        await live._service.StartAsync(CancellationToken.None);
        return live;
    }

    public MemberState Member => Balancing.Pool("p")!.Members[0];

    /// <summary>Waits until the member has <paramref name="status"/>; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForAsync(HealthStatus status, double maxSeconds = 15)
    {
        var sw = Stopwatch.StartNew();
        while (Member.Health.Status != status)
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(maxSeconds))
            {
                throw new Xunit.Sdk.XunitException($"member did not become {status} within {maxSeconds}s; it is {Member.Health.Status}: {Member.Health.Reason}");
            }
            await Task.Delay(10);
        }
        return sw.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _service.StopAsync(limit.Token);
        if (!_service.ExecuteTask!.IsCompleted)
        {
            throw new Xunit.Sdk.XunitException("the health monitor loop did not stop within 10 s");
        }
        _service.Dispose();
        Monitor.Dispose();
    }
}
