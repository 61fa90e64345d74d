using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Health;

/// <summary>Adds each monitored member's transitions and per-monitor detail to the status report.</summary>
internal sealed class HealthStatusSource : IStatusSource
{
    private readonly BalancingState _balancing;
    private readonly HealthMonitor _monitor;

    public HealthStatusSource(BalancingState balancing, HealthMonitor monitor)
    {
        _balancing = balancing;
        _monitor = monitor;
    }

    public void Fill(ApplianceStatus status)
    {
        var pools = _balancing.Pools;
        foreach (var pool in status.Pools)
        {
            if (!pools.TryGetValue(pool.Name, out var live))
            {
                continue;
            }
            foreach (var member in pool.Members)
            {
                var m = live.Members.FirstOrDefault(x => x.Config.Config.Address == member.Address && x.Config.Config.Port == member.Port);
                if (m is null || _monitor.Report(m) is not { } report)
                {
                    continue;
                }
                member.Transitions = report.Transitions;
                member.Monitors = [.. report.Checks.Select(c => new MonitorStatus
                {
                    Name = c.Monitor,
                    Type = c.Type,
                    Scope = c.Scope,
                    Status = new MemberHealth(c.Status, null, c.Since).StatusName,
                    Reason = c.Reason,
                    Since = c.Status == HealthStatus.Unchecked ? null : c.Since,
                    Transitions = c.Transitions,
                    AwaitingResume = c.AwaitingResume,
                })];
            }
        }
    }
}
