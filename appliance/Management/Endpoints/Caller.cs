using System.Security.Claims;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>Who is calling, as the auth handler established it.</summary>
public static class Caller
{
    public static string Name(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name) ?? "anonymous";

    public static string Role(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Role) ?? "";
}
