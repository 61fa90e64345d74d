using Fulcrum.Appliance.Config.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers the user and session stores, the login throttle, the <see cref="AuthDefaults.Scheme"/> scheme as the
    /// default, and the <see cref="Policies"/>. Every endpoint then needs a signed-in user unless it is marked
    /// <c>AllowAnonymous()</c>. <paramref name="hasher"/> is for tests that want a cheap hash.
    /// </summary>
    public static IServiceCollection AddFulcrumAuth(this IServiceCollection services, SqliteDatabase db, PasswordHasher? hasher = null)
    {
        services.TryAddSingleton(db);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(hasher ?? new PasswordHasher());
        services.AddSingleton(sp => new UserStore(
            db, sp.GetRequiredService<PasswordHasher>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UserStore>>()));
        services.AddSingleton(sp => new SessionStore(db, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new LoginThrottle(sp.GetRequiredService<TimeProvider>()));

        services.AddAuthentication(AuthDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, FulcrumAuthenticationHandler>(AuthDefaults.Scheme, configureOptions: null);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, FulcrumAuthorizationResultHandler>();
        services.AddAuthorization(options =>
        {
            var signedIn = new AuthorizationPolicyBuilder(AuthDefaults.Scheme).RequireAuthenticatedUser().Build();
            options.DefaultPolicy = signedIn;
            // Applies to endpoints with no authorization metadata at all, so forgetting RequireAuthorization on a new
            // endpoint leaves it closed, not open.
            options.FallbackPolicy = signedIn;
            options.AddPolicy(Policies.Read, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Operator, Roles.Auditor));
            options.AddPolicy(Policies.ReadSensitive, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Auditor));
            options.AddPolicy(Policies.Write, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Operator));
            options.AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        });
        return services;
    }
}
