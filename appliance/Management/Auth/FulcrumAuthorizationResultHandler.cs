using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Turns a refused policy into a 403 problem that names the roles it needed; the authentication handler's own
/// forbid cannot, because it is not told which policy failed.
/// </summary>
internal sealed class FulcrumAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            var needed = authorizeResult.AuthorizationFailure?.FailedRequirements
                .OfType<RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles)
                .Distinct(StringComparer.Ordinal)
                .ToList() ?? [];
            return AuthProblems.Forbidden(context.User.FindFirstValue(ClaimTypes.Role), needed).ExecuteAsync(context);
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
