namespace Fulcrum.Appliance.Management.Auth;

public static class AuthApplicationBuilderExtensions
{
    /// <summary>
    /// Authentication, authorization, then <see cref="CsrfProtection"/>, in that order: the CSRF check needs the
    /// authenticated user and the matched endpoint. Call after routing (WebApplication routes first on its own).
    /// </summary>
    public static IApplicationBuilder UseFulcrumAuth(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<CsrfProtection>();
        return app;
    }
}
