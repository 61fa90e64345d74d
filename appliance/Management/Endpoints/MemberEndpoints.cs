using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// Pool members as a sub-collection, <c>/api/v1/pools/{pool}/members/{address:port}</c>. Each call becomes a
/// replace of the pool built under the writer lock, so concurrent member edits never lose one another.
/// </summary>
public static class MemberEndpoints
{
    private const string Collection = "/api/v1/pools/{pool}/members";
    private const string Item = Collection + "/{member}";

    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Collection, (string pool, ConfigService config) =>
                Find(config.Current.Config, pool) is { } p ? Results.Json(p.Members, ConfigJson.Options) : PoolNotFound(pool))
            .RequireAuthorization(Policies.Read)
            .WithTags("pools").WithName("list-members").WithSummary("List a pool's members")
            .Produces<PoolMember[]>().ProducesProblem(404);

        app.MapGet(Item, (string pool, string member, ConfigService config) =>
            {
                if (Find(config.Current.Config, pool) is not { } p)
                {
                    return PoolNotFound(pool);
                }
                var index = IndexOf(p, member);
                return index < 0 ? MemberNotFound(pool, member) : Results.Json(p.Members[index], ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Read)
            .WithTags("pools").WithName("get-member").WithSummary("Read one member (address:port)")
            .Produces<PoolMember>().ProducesProblem(404);

        app.MapPost(Collection, (HttpContext context, string pool, ConfigService config) =>
                Edit(context, pool, null, config, (p, body) =>
                {
                    var (member, error) = JsonBody.Bind<PoolMember>(body);
                    if (error is not null)
                    {
                        return (null, error);
                    }
                    if (IndexOf(p, member!.Key) >= 0)
                    {
                        return (null, Problems.Create(409, "Already exists", $"member {member.Key} is already in pool '{p.Name}'"));
                    }
                    return (p with { Members = p.Members.Add(member) }, null);
                }, 201))
            .RequireAuthorization(Policies.Write)
            .WithTags("pools").WithName("add-member").WithSummary("Add a member to a pool")
            .AcceptsJson<PoolMember>().Produces<PoolMember>(201).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        app.MapPut(Item, (HttpContext context, string pool, string member, ConfigService config) =>
                Edit(context, pool, member, config, (p, body) => Replace(p, member, body, patch: false)))
            .RequireAuthorization(Policies.Write)
            .WithTags("pools").WithName("replace-member").WithSummary("Replace a member")
            .AcceptsJson<PoolMember>().Produces<PoolMember>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);

        app.MapPatch(Item, (HttpContext context, string pool, string member, ConfigService config) =>
                Edit(context, pool, member, config, (p, body) => Replace(p, member, body, patch: true)))
            .RequireAuthorization(Policies.Write)
            .WithTags("pools").WithName("patch-member").WithSummary("Change some fields of a member, e.g. {\"state\":\"disabled\"}")
            .AcceptsJson<PoolMember>().Produces<PoolMember>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);

        app.MapDelete(Item, (HttpContext context, string pool, string member, ConfigService config) =>
                Edit(context, pool, member, config, (p, _) =>
                {
                    var index = IndexOf(p, member);
                    return index < 0 ? (null, MemberNotFound(p.Name, member)) : (p with { Members = p.Members.RemoveAt(index) }, null);
                }, 204, readBody: false))
            .RequireAuthorization(Policies.Write)
            .WithTags("pools").WithName("delete-member").WithSummary("Remove a member from a pool")
            .Produces(204).ProducesProblem(404);

        return app;
    }

    private delegate (Pool? Pool, IResult? Error) PoolEdit(Pool pool, JsonElement body);

    private static async Task<IResult> Edit(HttpContext context, string poolName, string? memberKey, ConfigService config, PoolEdit edit, int successStatus = 200, bool readBody = true)
    {
        if (ObjectEndpoints.Denied(context, ConfigKinds.Pools) is { } denied)
        {
            return denied;
        }
        var body = default(JsonElement);
        if (readBody)
        {
            var read = await JsonBody.ReadAsync(context.Request, JsonBody.DefaultMaxBytes, context.RequestAborted);
            if (read.Error is not null)
            {
                return read.Error;
            }
            body = read.Value;
        }
        IResult? refusal = null;
        Pool? edited = null;
        var result = await config.ApplyAsync(current =>
        {
            if (Find(current, poolName) is not { } pool)
            {
                refusal = PoolNotFound(poolName);
                return (null, new ChangeResult(null, EditFailure.NotFound, []));
            }
            (edited, refusal) = edit(pool, body);
            if (edited is null)
            {
                return (null, new ChangeResult(null, EditFailure.BadBody, []));
            }
            return ([new ConfigChange(ChangeOp.Replace, "pools", poolName, JsonSerializer.SerializeToElement(edited, ConfigJson.Options))], null);
        }, Caller.Name(context), context.RequestAborted);
        if (refusal is not null)
        {
            return refusal;
        }
        if (!result.Succeeded)
        {
            return ChangeResults.Refused(result);
        }
        ChangeResults.Committed(context, result);
        if (successStatus == 204)
        {
            return Results.NoContent();
        }
        var key = memberKey ?? edited!.Members[^1].Key;
        var saved = Find(config.Current.Config, poolName)!;
        var index = IndexOf(saved, key);
        return Results.Json(index >= 0 ? saved.Members[index] : null, ConfigJson.Options, statusCode: successStatus);
    }

    private static (Pool?, IResult?) Replace(Pool pool, string memberKey, JsonElement body, bool patch)
    {
        var index = IndexOf(pool, memberKey);
        if (index < 0)
        {
            return (null, MemberNotFound(pool.Name, memberKey));
        }
        var source = body;
        if (patch)
        {
            var merged = JsonMergePatch.Apply(JsonSerializer.SerializeToNode(pool.Members[index], ConfigJson.Options), JsonNode.Parse(body.GetRawText()));
            source = JsonSerializer.SerializeToElement(merged, ConfigJson.Options);
        }
        var (member, error) = JsonBody.Bind<PoolMember>(source);
        if (error is not null)
        {
            return (null, error);
        }
        if (!SameMember(member!.Key, pool.Members[index].Key))
        {
            return (null, Problems.Create(400, "Invalid request", $"the body names member {member.Key} but the path names {memberKey}; remove the member and add a new one to change its address or port"));
        }
        return (pool with { Members = pool.Members.SetItem(index, member) }, null);
    }

    private static Pool? Find(FulcrumConfig config, string name) => config.Pools.FirstOrDefault(p => p.Name == name);

    private static int IndexOf(Pool pool, string key)
    {
        for (var i = 0; i < pool.Members.Length; i++)
        {
            if (SameMember(pool.Members[i].Key, key))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Compares member keys by parsed address and port, so <c>[::1]:80</c> and <c>[0:0::1]:80</c> are one member.</summary>
    private static bool SameMember(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal)
        || (AddressSyntax.TryParseEndpoint(a, out var ea) && AddressSyntax.TryParseEndpoint(b, out var eb) && ea.Equals(eb));

    private static IResult PoolNotFound(string pool) => Problems.Create(404, "Not found", $"pool '{(pool.Length > 128 ? pool[..128] + "…" : pool)}' does not exist");

    private static IResult MemberNotFound(string pool, string member) => Problems.Create(404, "Not found", $"pool '{pool}' has no member '{(member.Length > 64 ? member[..64] + "…" : member)}'");
}
