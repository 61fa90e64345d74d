using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Management;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Health;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// <c>POST /api/v1/pools/{pool}/members/{member}/resume</c>: releases a member held down by a <c>manualResume</c>
/// monitor. It comes up at once if its monitors pass now, else at their next success. Idempotent: resuming a member
/// that is not held answers 200 with <c>resumed: false</c>.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/pools/{pool}/members/{member}/resume", (HttpContext context, string pool, string member, HealthMonitor health) =>
            {
                if (ObjectEndpoints.Denied(context, ConfigKinds.Pools) is { } denied)
                {
                    return denied;
                }
                var (outcome, state) = health.Resume(pool, member);
                return outcome switch
                {
                    ResumeOutcome.PoolNotFound => Problems.Create(404, "Not found", $"pool '{Clip(pool, 128)}' does not exist"),
                    ResumeOutcome.MemberNotFound => Problems.Create(404, "Not found", $"pool '{pool}' has no member '{Clip(member, 64)}'"),
                    ResumeOutcome.NotMonitored => Problems.Create(409, "Not monitored", $"no monitor governs member {member} of pool '{pool}', so there is nothing to resume"),
                    _ => Results.Json(new ResumeResponse(pool, member, outcome == ResumeOutcome.Resumed, state!.StatusName, state.Reason, state.Status == Balancing.HealthStatus.Unchecked ? null : state.Since), ConfigJson.Options),
                };
            })
            .RequireAuthorization(Policies.Write)
            .WithTags("pools").WithName("resume-member").WithSummary("Resume a member held down by a manual-resume monitor")
            .Produces<ResumeResponse>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static string Clip(string text, int max) => text.Length > max ? text[..max] + "…" : text;
}

/// <summary>The answer to a resume: whether a hold was released, and the member's health now.</summary>
public sealed record ResumeResponse(string Pool, string Member, bool Resumed, string Status, string? Reason, DateTimeOffset? Since);
