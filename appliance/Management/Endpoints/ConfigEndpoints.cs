using System.Globalization;
using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>Transactions, generation history, rollback, the current config and the audit log.</summary>
public static class ConfigEndpoints
{
    public const int MaxChanges = 1000;

    public static IEndpointRouteBuilder MapConfigEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/config", (ConfigService config) => Results.Json(new
            {
                generation = config.Current.Info.Generation,
                config = ApiViews.PresentConfig(config.Current.Config),
            }, ConfigJson.Options))
            .RequireAuthorization(Policies.Read)
            .WithTags("config").WithName("get-config").WithSummary("The whole current configuration (certificate keys omitted)")
            .Produces<ConfigView>();

        app.MapPost("/api/v1/config/transaction", Transaction)
            .RequireAuthorization(Policies.Write)
            .WithTags("config").WithName("transaction").WithSummary("Apply several changes all or nothing, as one generation")
            .AcceptsJson<TransactionRequest>()
            .Produces<GenerationView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        app.MapGet("/api/v1/config/generations", (int? limit, long? before, ConfigStore store) =>
                Results.Json(store.List(Math.Clamp(limit ?? 100, 1, 1000), before).Select(GenerationView.From), ConfigJson.Options))
            .RequireAuthorization(Policies.Read)
            .WithTags("config").WithName("list-generations").WithSummary("Generation history, newest first")
            .Produces<GenerationView[]>();

        app.MapGet("/api/v1/config/generations/{n}", (string n, ConfigStore store) =>
            {
                if (!long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return Problems.Create(400, "Invalid generation", $"'{Short(n)}' is not a generation number");
                }
                var info = store.Info(number);
                if (info is null)
                {
                    return Problems.Create(404, "Not found", $"generation {number} does not exist");
                }
                var stored = info.Kept ? store.Get(number) : null;
                return Results.Json(new
                {
                    generation = info.Generation,
                    time = info.Time,
                    user = info.User,
                    summary = info.Summary,
                    kept = stored is not null,
                    config = stored is null ? null : ApiViews.PresentConfig(stored.Config),
                }, ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Read)
            .WithTags("config").WithName("get-generation").WithSummary("One generation with its whole config (while kept)")
            .ProducesProblem(404);

        app.MapPost("/api/v1/config/rollback/{n}", async (HttpContext context, string n, ConfigService config) =>
            {
                if (!long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return Problems.Create(400, "Invalid generation", $"'{Short(n)}' is not a generation number");
                }
                var result = await config.RollbackAsync(number, Caller.Name(context), context.RequestAborted);
                if (!result.Succeeded)
                {
                    return result.Failure == EditFailure.NotFound && result.Errors[0].Message.Contains("older", StringComparison.Ordinal)
                        ? Problems.Create(410, "Gone", result.Errors[0].Message, result.Errors)
                        : ChangeResults.Refused(result);
                }
                ChangeResults.Committed(context, result);
                return Results.Json(GenerationView.From(result.Generation!), ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Admin)
            .WithTags("config").WithName("rollback").WithSummary("Make an earlier generation's config current again, as a new generation")
            .Produces<GenerationView>().ProducesProblem(404).ProducesProblem(410).ProducesProblem(422);

        app.MapGet("/api/v1/audit", (int? limit, long? before, AuditLog audit) =>
                Results.Json(audit.List(Math.Clamp(limit ?? 200, 1, 1000), before), ConfigJson.Options))
            .RequireAuthorization(Policies.ReadSensitive)
            .WithTags("audit").WithName("list-audit").WithSummary("Management calls that changed something, newest first")
            .Produces<AuditEntry[]>();

        return app;
    }

    private static async Task<IResult> Transaction(HttpContext context, ConfigService config)
    {
        var body = await JsonBody.ReadAsync(context.Request, JsonBody.LargeMaxBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (request, error) = JsonBody.Bind<TransactionRequest>(body.Value);
        if (error is not null)
        {
            return error;
        }
        if (request!.Changes.Length is 0 or > MaxChanges)
        {
            return Problems.Create(400, "Invalid transaction", $"a transaction holds 1 to {MaxChanges} changes, not {request.Changes.Length}");
        }
        var changes = new List<ConfigChange>(request.Changes.Length);
        var problems = new List<ConfigError>();
        var role = Caller.Role(context);
        for (var i = 0; i < request.Changes.Length; i++)
        {
            var c = request.Changes[i];
            if (!Enum.TryParse<ChangeOp>(c.Op, ignoreCase: true, out var op) || !Enum.IsDefined(op) || c.Op.Any(char.IsDigit))
            {
                problems.Add(new ConfigError($"changes/{i}/op", $"unknown op '{Short(c.Op)}'; expected create, replace, patch or delete"));
                continue;
            }
            var kind = ConfigKinds.Find(c.Kind);
            if (kind is null)
            {
                problems.Add(new ConfigError($"changes/{i}/kind", $"unknown kind '{Short(c.Kind)}'; expected one of: {string.Join(", ", ConfigKinds.All.Select(k => k.Path))}"));
                continue;
            }
            if (!Roles.CanWrite(role, kind.Path))
            {
                return Problems.Create(403, "Forbidden", $"role '{role}' may not change {kind.Singular} objects (change {i})");
            }
            var name = c.Name ?? (c.Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null);
            if (name is null)
            {
                problems.Add(new ConfigError($"changes/{i}/name", "a name is required (in the change or its body)"));
                continue;
            }
            changes.Add(new ConfigChange(op, kind.Path, name, c.Body));
        }
        if (problems.Count > 0)
        {
            return Problems.Create(400, "Invalid transaction", $"{problems.Count} change(s) are malformed; nothing was changed", problems);
        }
        if (request.DryRun)
        {
            context.Items[AuditMiddleware.SkipKey] = true;
            var edit = config.DryRun(changes);
            return edit.Succeeded
                ? Results.Json(new { dryRun = true, valid = true, summary = edit.Summary }, ConfigJson.Options)
                : ChangeResults.Refused(new ChangeResult(null, edit.Failure, edit.Errors));
        }
        var result = await config.ApplyAsync(changes, Caller.Name(context), context.RequestAborted);
        if (!result.Succeeded)
        {
            return ChangeResults.Refused(result);
        }
        ChangeResults.Committed(context, result);
        return Results.Json(GenerationView.From(result.Generation!), ConfigJson.Options);
    }

    private static string Short(string s) => s.Length > 64 ? s[..64] + "…" : s;
}
