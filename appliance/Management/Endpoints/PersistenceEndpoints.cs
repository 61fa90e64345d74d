using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary><c>/api/v1/persistence</c>: list and clear persistence records, filtered by virtual, pool and key.</summary>
public static class PersistenceEndpoints
{
    public const int MaxFilterLength = 1024;

    public static IEndpointRouteBuilder MapPersistenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/persistence", (string? @virtual, string? pool, string? key, PersistenceService persistence) =>
                Invalid(@virtual, pool, key) ?? Results.Json(persistence.List(@virtual, pool, key), ConfigJson.Options))
            .RequireAuthorization(Policies.Read)
            .WithTags("persistence").WithName("list-persistence-records").WithSummary("Live persistence records; filter by virtual, pool and key")
            .Produces<PersistenceEntry[]>().ProducesProblem(400);

        app.MapDelete("/api/v1/persistence", (string? @virtual, string? pool, string? key, PersistenceService persistence) =>
            {
                if (Invalid(@virtual, pool, key) is { } problem)
                {
                    return problem;
                }
                persistence.Clear(@virtual, pool, key);
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.Write)
            .WithTags("persistence").WithName("clear-persistence-records").WithSummary("Remove the persistence records that match every filter given (all without filters)")
            .Produces(204).ProducesProblem(400).ProducesProblem(403);

        return app;
    }

    private static IResult? Invalid(params string?[] filters) =>
        filters.Any(f => f is { Length: > MaxFilterLength })
            ? Problems.Create(400, "Invalid filter", $"a filter is at most {MaxFilterLength} characters")
            : null;
}
