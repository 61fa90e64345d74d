using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Testing;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// <c>POST /api/v1/rules/{name}/test</c>: runs the saved rule (or the <c>source</c> given) on a sample connection with
/// the configuration's pools and data groups, in a runtime of its own (never live traffic), and returns the trace.
/// It executes rule code, so it needs write rights.
/// </summary>
public static class RuleTestEndpoints
{
    public static IEndpointRouteBuilder MapRuleTestEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/rules/{name}/test", async (HttpContext context, string name, ConfigService config) =>
            {
                if (NameRules.Problem(name) is { } problem)
                {
                    return Problems.Create(400, "Invalid name", problem);
                }
                var body = await JsonBody.ReadAsync(context.Request, JsonBody.DefaultMaxBytes, context.RequestAborted);
                if (body.Error is not null)
                {
                    return body.Error;
                }
                RuleSample? sample;
                try
                {
                    sample = body.Value.Deserialize<RuleSample>(RuleSample.Json);
                }
                catch (JsonException ex)
                {
                    return Problems.Create(400, "Invalid request body", "the body is not a rule test sample", [new ConfigError("body" + (ex.Path is { Length: > 1 } p ? "/" + p.TrimStart('$', '.') : ""), ex.Message)]);
                }
                if (sample is null)
                {
                    return Problems.Create(400, "Invalid request body", "a sample object is required");
                }
                var current = config.Current.Config;
                var rule = ConfigKinds.Rules.Find(current, name) as Rule;
                if (rule is null && sample.Source is null)
                {
                    return Problems.Create(404, "Not found", $"rule '{name}' does not exist; send its source in 'source' to test it unsaved");
                }
                var pools = current.Pools.ToDictionary(
                    p => p.Name,
                    p => (IReadOnlyList<SampleMember>)[.. p.Members.Select(m => new SampleMember { Address = m.Address, Port = m.Port, Up = m.State == MemberStates.Enabled })],
                    StringComparer.Ordinal);
                var groups = current.DataGroups.Select(g => DataGroupIndex.Build(g.Name, g.Type, g.Records));
                var trace = await Task.Run(() => RuleTestBench.Run(name, sample.Source ?? rule!.Source, sample, pools, groups), context.RequestAborted);
                return Results.Json(trace, RuleTrace.Json);
            })
            .RequireAuthorization(Policies.Write)
            .WithTags("rules").WithName("test-rule")
            .WithSummary("Run a rule on a sample request; returns the events run, every host call with its arguments, log lines, timing and errors with line and column")
            .Produces<RuleTrace>().ProducesProblem(400).ProducesProblem(404);
        return app;
    }
}
