using System.Security.Claims;
using Fulcrum.Appliance.Config.Validation;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management.Auth;

public static class UserEndpoints
{
    private static readonly HashSet<string> OwnPasswordFields = new(StringComparer.Ordinal) { "password", "currentPassword" };

    /// <summary>
    /// Maps <c>/api/v1/users</c>: reading needs <see cref="Policies.ReadSensitive"/>, changing needs
    /// <see cref="Policies.Admin"/>, except that any user may PATCH their own password. Returns the group so the host
    /// can add its filters.
    /// </summary>
    public static RouteGroupBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users").WithTags("users");
        group.MapGet("", List)
            .RequireAuthorization(Policies.ReadSensitive)
            .Produces<User[]>()
            .ProducesProblem(401).ProducesProblem(403);
        group.MapPost("", CreateAsync)
            .RequireAuthorization(Policies.Admin)
            .AcceptsJson<CreateUserRequest>()
            .Produces<User>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        group.MapGet("/{name}", Get)
            .RequireAuthorization(Policies.ReadSensitive)
            .Produces<User>()
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPut("/{name}", ReplaceAsync)
            .RequireAuthorization(Policies.Admin)
            .AcceptsJson<ReplaceUserRequest>()
            .Produces<User>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        // Any signed-in user reaches the handler, which decides: admins change anything, others only their own password.
        group.MapPatch("/{name}", PatchAsync)
            .RequireAuthorization(Policies.Read)
            .AcceptsJson<PatchUserRequest>()
            .Produces<User>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429);
        group.MapDelete("/{name}", Delete)
            .RequireAuthorization(Policies.Admin)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return group;
    }

    private static IResult List(UserStore users) => Results.Json(users.List(), AuthJson.Options);

    private static IResult Get(string name, UserStore users) =>
        users.Get(name) is { } user ? Results.Json(user, AuthJson.Options) : NotFound(name);

    private static async Task<IResult> CreateAsync(HttpContext context, UserStore users)
    {
        var body = await AuthJson.ReadAsync<CreateUserRequest>(context, required: true);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value!;
        try
        {
            var user = users.Add(request.Name ?? "", request.Role ?? "", request.Password ?? "", request.Description);
            context.Response.Headers.Location = $"/api/v1/users/{Uri.EscapeDataString(user.Name)}";
            return Results.Json(user, AuthJson.Options, statusCode: StatusCodes.Status201Created);
        }
        catch (UserStoreException ex)
        {
            return Refused(ex);
        }
    }

    private static async Task<IResult> ReplaceAsync(HttpContext context, string name, UserStore users)
    {
        var body = await AuthJson.ReadAsync<ReplaceUserRequest>(context, required: true);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value!;
        if (request.Name is not null && request.Name != name)
        {
            return Problems.Create(422, "Invalid user", errors: [new ConfigError("name", $"the name in the body must be {name}, as in the path; a user cannot be renamed")]);
        }
        return Apply(users, name, new UserUpdate
        {
            Role = request.Role ?? "",
            SetDescription = true,
            Description = request.Description,
            Password = request.Password,
        });
    }

    private static async Task<IResult> PatchAsync(HttpContext context, string name, ClaimsPrincipal caller, UserStore users, LoginThrottle throttle, ILoggerFactory loggers)
    {
        var body = await AuthJson.ReadAsync<PatchUserRequest>(context, required: true);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value!;
        var present = body.Present;
        var isAdmin = caller.IsInRole(Roles.Admin);
        var isSelf = caller.Identity?.Name == name;
        var ownPasswordOnly = present.Contains("password") && present.IsSubsetOf(OwnPasswordFields);
        if (!isAdmin && !(isSelf && ownPasswordOnly))
        {
            return AuthProblems.Forbidden(caller.FindFirstValue(ClaimTypes.Role), [Roles.Admin]);
        }

        var errors = new List<ConfigError>();
        if (present.Contains("currentPassword") && !isSelf)
        {
            errors.Add(new ConfigError("currentPassword", "currentPassword is only for changing your own password"));
        }
        else if (isSelf && !isAdmin && string.IsNullOrEmpty(request.CurrentPassword))
        {
            errors.Add(new ConfigError("currentPassword", "to change your own password, give the current one too"));
        }
        if (errors.Count > 0)
        {
            return Problems.Create(422, "Invalid user", errors: errors);
        }
        if (isSelf && !string.IsNullOrEmpty(request.CurrentPassword))
        {
            var outcome = CredentialCheck.Check(context, users, throttle, loggers.CreateLogger(typeof(UserEndpoints)), name, request.CurrentPassword, "password-change");
            if (outcome.RetryAfter is { } wait)
            {
                return AuthProblems.TooManyAttempts(context, wait);
            }
            if (outcome.User is null)
            {
                return Problems.Create(422, "Invalid user", errors: [new ConfigError("currentPassword", "this is not your current password")]);
            }
        }

        if (!present.Overlaps(["role", "description", "password"]))
        {
            return Get(name, users);
        }
        return Apply(users, name, new UserUpdate
        {
            Role = present.Contains("role") ? request.Role ?? "" : null,
            SetDescription = present.Contains("description"),
            Description = request.Description,
            Password = present.Contains("password") ? request.Password ?? "" : null,
        });
    }

    private static IResult Delete(string name, UserStore users)
    {
        try
        {
            users.Delete(name);
            return Results.NoContent();
        }
        catch (UserStoreException ex)
        {
            return Refused(ex);
        }
    }

    private static IResult Apply(UserStore users, string name, UserUpdate update)
    {
        try
        {
            return Results.Json(users.Update(name, update), AuthJson.Options);
        }
        catch (UserStoreException ex)
        {
            return Refused(ex);
        }
    }

    private static IResult NotFound(string name) =>
        Problems.Create(404, "User not found", errors: [new ConfigError("name", $"no user {name}")]);

    private static IResult Refused(UserStoreException ex) => ex.Error switch
    {
        UserStoreError.NotFound => Problems.Create(404, "User not found", errors: ex.Errors),
        UserStoreError.Conflict => Problems.Create(409, "Conflict", errors: ex.Errors),
        _ => Problems.Create(422, "Invalid user", errors: ex.Errors),
    };
}
