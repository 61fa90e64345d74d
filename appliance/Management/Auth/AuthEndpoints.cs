using System.Security.Claims;
using Fulcrum.Appliance.Config.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management.Auth;

public static class AuthEndpoints
{
    /// <summary>
    /// Maps <c>/api/v1/auth</c>: token and login (anonymous), logout and me (signed in). Returns the group so the host
    /// can add its filters.
    /// </summary>
    public static RouteGroupBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("auth");
        group.MapPost("/token", IssueTokenAsync)
            .AllowAnonymous()
            .AcceptsJson<TokenRequest>(required: false)
            .Produces<TokenResponse>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429);
        group.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .AcceptsJson<LoginRequest>()
            .Produces<LoginResponse>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429);
        group.MapPost("/logout", Logout)
            .RequireAuthorization(Policies.Read)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(401).ProducesProblem(403);
        group.MapGet("/me", Me)
            .RequireAuthorization(Policies.Read)
            .Produces<MeResponse>()
            .ProducesProblem(401);
        return group;
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext context, UserStore users, SessionStore sessions, LoginThrottle throttle, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AuthEndpoints));
        var body = await AuthJson.ReadAsync<TokenRequest>(context, required: false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value ?? new TokenRequest();
        var errors = new List<ConfigError>();
        var lifetime = SessionStore.DefaultLifetime;
        if (request.ExpiresIn is { } seconds)
        {
            if (seconds < 60 || seconds > (long)SessionStore.MaxLifetime.TotalSeconds)
            {
                errors.Add(new ConfigError("expiresIn", $"expiresIn must be 60 to {(long)SessionStore.MaxLifetime.TotalSeconds} seconds"));
            }
            else
            {
                lifetime = TimeSpan.FromSeconds(seconds);
            }
        }

        string name;
        string role;
        if (context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            if (request.Username is not null || request.Password is not null)
            {
                errors.Add(new ConfigError("username", "give the credentials in the Authorization header or in the body, not both"));
            }
            if (errors.Count > 0)
            {
                return Invalid(errors);
            }
            // The authentication middleware has already checked the header (and counted a failure); asking again
            // returns that same result instead of checking, and counting, twice.
            var result = await context.AuthenticateAsync(AuthDefaults.Scheme);
            if (context.Items[FulcrumAuthenticationHandler.RetryAfterItem] is TimeSpan wait)
            {
                return AuthProblems.TooManyAttempts(context, wait);
            }
            if (!result.Succeeded || result.Principal.FindFirstValue(AuthClaims.Method) != AuthMethods.Basic)
            {
                return AuthProblems.Unauthorized(context, result.Failure?.Message ?? "wrong user name or password");
            }
            name = result.Principal.FindFirstValue(ClaimTypes.Name)!;
            role = result.Principal.FindFirstValue(ClaimTypes.Role)!;
        }
        else
        {
            RequireCredentials(request.Username, request.Password, errors);
            if (errors.Count > 0)
            {
                return Invalid(errors);
            }
            var outcome = CredentialCheck.Check(context, users, throttle, logger, request.Username!, request.Password!, "token");
            if (outcome.RetryAfter is { } wait)
            {
                return AuthProblems.TooManyAttempts(context, wait);
            }
            if (outcome.User is not { } user)
            {
                return AuthProblems.Unauthorized(context, "wrong user name or password");
            }
            name = user.Name;
            role = user.Role;
        }

        var issued = sessions.Create(name, AuthMethods.Bearer, lifetime);
        AuthLog.LoginSucceeded(logger, name, "token", CredentialCheck.ClientAddress(context));
        return Results.Json(new TokenResponse(issued.Token, "Bearer", issued.ExpiresAt, name, role), AuthJson.Options);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, UserStore users, SessionStore sessions, LoginThrottle throttle, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AuthEndpoints));
        var body = await AuthJson.ReadAsync<LoginRequest>(context, required: true);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var errors = new List<ConfigError>();
        RequireCredentials(body.Value!.Username, body.Value.Password, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        var outcome = CredentialCheck.Check(context, users, throttle, logger, body.Value.Username!, body.Value.Password!, AuthMethods.Cookie);
        if (outcome.RetryAfter is { } wait)
        {
            return AuthProblems.TooManyAttempts(context, wait);
        }
        if (outcome.User is not { } user)
        {
            return AuthProblems.Unauthorized(context, "wrong user name or password");
        }
        var issued = sessions.Create(user.Name, AuthMethods.Cookie);
        SessionCookie.Set(context, issued);
        AuthLog.LoginSucceeded(logger, user.Name, AuthMethods.Cookie, CredentialCheck.ClientAddress(context));
        return Results.Json(new LoginResponse(user.Name, user.Role, issued.CsrfToken!, issued.ExpiresAt), AuthJson.Options);
    }

    private static IResult Logout(HttpContext context, ClaimsPrincipal principal, SessionStore sessions, ILoggerFactory loggers)
    {
        var method = principal.FindFirstValue(AuthClaims.Method) ?? "";
        // Basic credentials have no session to end; the call still succeeds so clients need not know the difference.
        if (principal.FindFirstValue(AuthClaims.Session) is { } session)
        {
            sessions.Revoke(session);
        }
        if (method == AuthMethods.Cookie)
        {
            SessionCookie.Clear(context);
        }
        AuthLog.LoggedOut(loggers.CreateLogger(typeof(AuthEndpoints)), principal.Identity?.Name ?? "", method);
        return Results.NoContent();
    }

    private static IResult Me(ClaimsPrincipal principal) => Results.Json(
        new MeResponse(
            principal.Identity?.Name ?? "",
            principal.FindFirstValue(ClaimTypes.Role) ?? "",
            principal.FindFirstValue(AuthClaims.Method) ?? "",
            principal.FindFirstValue(AuthClaims.Csrf)),
        AuthJson.Options);

    private static void RequireCredentials(string? username, string? password, List<ConfigError> errors)
    {
        if (string.IsNullOrEmpty(username))
        {
            errors.Add(new ConfigError("username", "a user name is required"));
        }
        if (string.IsNullOrEmpty(password))
        {
            errors.Add(new ConfigError("password", "a password is required"));
        }
    }

    private static IResult Invalid(List<ConfigError> errors) => Problems.Create(422, "Invalid request", errors: errors);
}
