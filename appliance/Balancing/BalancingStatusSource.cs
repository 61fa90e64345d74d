using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Balancing;

/// <summary>Adds members' health, reasons and counters, and pools' active member counts, to the status report.</summary>
public sealed class BalancingStatusSource : IStatusSource
{
    private readonly BalancingState _state;

    public BalancingStatusSource(BalancingState state)
    {
        _state = state;
    }

    public void Fill(ApplianceStatus status)
    {
        var pools = _state.Pools;
        foreach (var pool in status.Pools)
        {
            if (!pools.TryGetValue(pool.Name, out var live))
            {
                continue;
            }
            pool.ActiveMembers = live.ActiveMembers;
            foreach (var member in pool.Members)
            {
                var m = live.Members.FirstOrDefault(x => x.Config.Config.Address == member.Address && x.Config.Config.Port == member.Port);
                if (m is null)
                {
                    continue;
                }
                var health = m.Health;
                member.Status = health.StatusName;
                member.Reason = health.Reason;
                member.Since = health.Status == HealthStatus.Unchecked ? null : health.Since;
                member.CurrentConnections = m.CurrentConnections;
                member.TotalConnections = m.TotalConnections;
            }
        }
    }
}
