using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// <c>GET /api/v1/status</c>: live state of every virtual server, pool, member and rule. Listener state, health
/// and counters come from the data plane and monitors through <see cref="IStatusSource"/>s as those land.
/// </summary>
public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/status", (ConfigService config, IEnumerable<IStatusSource> sources, TimeProvider time) =>
                Results.Json(Report(config, sources, time), ConfigJson.Options))
            .RequireAuthorization(Policies.Read)
            .WithTags("status").WithName("status").WithSummary("Live state and counters of every virtual server, pool, member and rule")
            .Produces<ApplianceStatus>();
        return app;
    }

    /// <summary>One status report: the current snapshot's objects, filled in by every source. Also streamed by <see cref="StatusStreamEndpoints"/>.</summary>
    internal static ApplianceStatus Report(ConfigService config, IEnumerable<IStatusSource> sources, TimeProvider time)
    {
        var snapshot = config.Runtime.Current;
        var status = new ApplianceStatus
        {
            Generation = snapshot.Generation,
            Time = time.GetUtcNow(),
            Virtuals = [.. snapshot.Config.Virtuals.Select(v => new VirtualStatus { Name = v.Name, Destination = v.Destination, Enabled = v.Enabled, State = v.Enabled ? "unknown" : "disabled" })],
            Pools = [.. snapshot.Config.Pools.Select(p => new PoolStatus
            {
                Name = p.Name,
                Members = [.. p.Members.Select(m => new MemberStatus { Address = m.Address, Port = m.Port, State = m.State, Status = "unchecked" })],
            })],
            Rules = [.. snapshot.Config.Rules.Select(r => new RuleStatus { Name = r.Name })],
        };
        foreach (var source in sources)
        {
            source.Fill(status);
        }
        return status;
    }
}
