using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

internal sealed class PoolValidator : IConfigValidator
{
    public void Validate(ValidationContext context)
    {
        foreach (var pool in context.Config.Pools)
        {
            var path = $"pools/{pool.Name}";
            context.OneOf(path, "loadBalancingMode", pool.LoadBalancingMode, LoadBalancingModes.All);
            context.Monitors(path, pool.Monitors);
            context.Range(path, "monitorMinUp", pool.MonitorMinUp, 0, pool.Monitors.Length);
            context.Range(path, "minActiveMembers", pool.MinActiveMembers, 0, 65535);
            context.Range(path, "slowRampTime", pool.SlowRampTime, 0, 86400);
            context.OneOf(path, "serviceDownAction", pool.ServiceDownAction, ServiceDownActions.All);
            context.Range(path, "reselectTries", pool.ReselectTries, 0, 65535);
            if (pool.HashKey is not null && !HashKeys.IsValid(pool.HashKey))
            {
                context.Add($"{path}/hashKey", $"unknown hashKey '{pool.HashKey}'; expected source-address, uri, path, rule, header:NAME or cookie:NAME");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < pool.Members.Length; i++)
            {
                var m = pool.Members[i];
                var mp = $"{path}/members/{i}";
                context.ServerAddress(mp, "address", m.Address);
                context.Range(mp, "port", m.Port, 1, 65535);
                context.Range(mp, "ratio", m.Ratio, 1, 65535);
                context.Range(mp, "priorityGroup", m.PriorityGroup, 0, 65535);
                context.Range(mp, "connectionLimit", m.ConnectionLimit, 0, int.MaxValue);
                context.OneOf(mp, "state", m.State, MemberStates.All);
                if (AddressSyntax.TryParseIp(m.Address, out var ip) && !seen.Add(MemberKey.Format(ip.ToString(), m.Port)))
                {
                    context.Add(mp, $"member {m.Key} is listed twice");
                }
            }
        }
    }
}
