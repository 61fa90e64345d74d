using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// CRUD for every stored kind, the same way for each: GET and POST on the collection; GET, PUT (replace),
/// PATCH (RFC 7396 merge patch) and DELETE on <c>/{name}</c>. Every change is one generation.
/// </summary>
public static class ObjectEndpoints
{
    public static IEndpointRouteBuilder MapObjectEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var kind in ConfigKinds.All)
        {
            Map(app, kind);
        }
        app.MapGet("/api/v1/profiles", (ConfigService config) =>
                Results.Json(ConfigKinds.Profiles.ToDictionary(k => k.Path["profiles/".Length..], k => ApiViews.PresentAll(k, config.Current.Config)), ConfigJson.Options))
            .RequireAuthorization(Policies.Read)
            .WithTags("profiles")
            .WithSummary("Every profile, grouped by kind");
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, ConfigKind kind)
    {
        var collection = $"/api/v1/{kind.Path}";
        var item = collection + "/{name}";
        var tag = kind.Path;
        var id = kind.Path.Replace("/", "-", StringComparison.Ordinal).Replace("profiles-", "", StringComparison.Ordinal);
        var shown = Shown(kind);
        var accepted = Accepted(kind);

        app.MapGet(collection, (ConfigService config) => Results.Json(ApiViews.PresentAll(kind, config.Current.Config), ConfigJson.Options))
            .RequireAuthorization(Policies.Read)
            .WithTags(tag).WithName($"list-{id}").WithSummary($"List every {kind.Singular}")
            .Produces(200, shown.MakeArrayType());

        app.MapGet(item, (string name, ConfigService config) =>
            {
                if (NameRules.Problem(name) is { } problem)
                {
                    return Problems.Create(400, "Invalid name", problem);
                }
                var value = kind.Find(config.Current.Config, name);
                return value is null
                    ? Problems.Create(404, "Not found", $"{kind.Singular} '{name}' does not exist")
                    : Results.Json(ApiViews.Present(kind, value), ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Read)
            .WithTags(tag).WithName($"get-{id}").WithSummary($"Read one {kind.Singular}")
            .Produces(200, shown).ProducesProblem(404);

        app.MapPost(collection, async (HttpContext context, ConfigService config) =>
            {
                if (Denied(context, kind) is { } denied)
                {
                    return denied;
                }
                var body = await JsonBody.ReadAsync(context.Request, MaxBytes(kind), context.RequestAborted);
                if (body.Error is not null)
                {
                    return body.Error;
                }
                if (body.Value.ValueKind != JsonValueKind.Object || !body.Value.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
                {
                    return Problems.Create(400, "Invalid request body", $"a {kind.Singular} object with a string 'name' is required", [new ConfigError("name", "a name is required")]);
                }
                var name = nameElement.GetString()!;
                var result = await config.ApplyAsync([new ConfigChange(ChangeOp.Create, kind.Path, name, body.Value)], Caller.Name(context), context.RequestAborted);
                if (!result.Succeeded)
                {
                    return ChangeResults.Refused(result);
                }
                ChangeResults.Committed(context, result);
                return Results.Json(ApiViews.Present(kind, kind.Find(config.Current.Config, name)!), ConfigJson.Options, statusCode: 201);
            })
            .RequireAuthorization(Policies.Write)
            .WithTags(tag).WithName($"create-{id}").WithSummary($"Create a {kind.Singular}")
            .AcceptsJson(accepted)
            .Produces(201, shown).ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);

        MapWrite(app.MapPut(item, (HttpContext context, string name, ConfigService config) => Change(context, kind, ChangeOp.Replace, name, config)), kind, tag, $"replace-{id}", $"Replace a {kind.Singular}");
        MapWrite(app.MapPatch(item, (HttpContext context, string name, ConfigService config) => Change(context, kind, ChangeOp.Patch, name, config)), kind, tag, $"patch-{id}", $"Change some fields of a {kind.Singular} (JSON merge patch)");

        app.MapDelete(item, async (HttpContext context, string name, ConfigService config) =>
            {
                if (Denied(context, kind) is { } denied)
                {
                    return denied;
                }
                var result = await config.ApplyAsync([new ConfigChange(ChangeOp.Delete, kind.Path, name)], Caller.Name(context), context.RequestAborted);
                if (!result.Succeeded)
                {
                    return ChangeResults.Refused(result);
                }
                ChangeResults.Committed(context, result);
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.Write)
            .WithTags(tag).WithName($"delete-{id}").WithSummary($"Delete a {kind.Singular}; refused with 409 while others refer to it")
            .Produces(204).ProducesProblem(404).ProducesProblem(409);
    }

    private static void MapWrite(RouteHandlerBuilder builder, ConfigKind kind, string tag, string name, string summary) =>
        builder.RequireAuthorization(Policies.Write)
            .WithTags(tag).WithName(name).WithSummary(summary)
            .AcceptsJson(Accepted(kind))
            .Produces(200, Shown(kind)).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

    /// <summary>Certificates are shown with what their PEM says and no key, and may be sent as PKCS#12.</summary>
    private static Type Shown(ConfigKind kind) => kind == ConfigKinds.Certificates ? typeof(CertificateView) : kind.ClrType;

    private static Type Accepted(ConfigKind kind) => kind == ConfigKinds.Certificates ? typeof(CertificateInput) : kind.ClrType;

    private static async Task<IResult> Change(HttpContext context, ConfigKind kind, ChangeOp op, string name, ConfigService config)
    {
        if (Denied(context, kind) is { } denied)
        {
            return denied;
        }
        if (NameRules.Problem(name) is { } problem)
        {
            return Problems.Create(400, "Invalid name", problem);
        }
        var body = await JsonBody.ReadAsync(context.Request, MaxBytes(kind), context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var result = await config.ApplyAsync([new ConfigChange(op, kind.Path, name, body.Value)], Caller.Name(context), context.RequestAborted);
        if (!result.Succeeded)
        {
            return ChangeResults.Refused(result);
        }
        ChangeResults.Committed(context, result);
        return Results.Json(ApiViews.Present(kind, kind.Find(config.Current.Config, name)!), ConfigJson.Options);
    }

    /// <summary>A 403 problem when the caller's role may not change this kind.</summary>
    internal static IResult? Denied(HttpContext context, ConfigKind kind)
    {
        var role = Caller.Role(context);
        return Roles.CanWrite(role, kind.Path)
            ? null
            : Problems.Create(403, "Forbidden", $"role '{role}' may not change {kind.Singular} objects");
    }

    private static int MaxBytes(ConfigKind kind) => kind == ConfigKinds.DataGroups || kind == ConfigKinds.Pools ? JsonBody.LargeMaxBytes : JsonBody.DefaultMaxBytes;
}
