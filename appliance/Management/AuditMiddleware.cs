using System.Security.Claims;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Management;

/// <summary>
/// Records every management call that changed something (an unsafe method that succeeded): who, when, from which
/// address, what, and the generation it made. Login and token calls are not changes and are not recorded here.
/// </summary>
public sealed class AuditMiddleware
{
    public const string ItemKey = "fulcrum.audit";

    /// <summary>Set by endpoints whose unsafe method changed nothing (dry runs, tests).</summary>
    public const string SkipKey = "fulcrum.audit.skip";

    private readonly RequestDelegate _next;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    public AuditMiddleware(RequestDelegate next, AuditLog audit, TimeProvider time)
    {
        _next = next;
        _audit = audit;
        _time = time;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        await _next(context).ConfigureAwait(false);
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return;
        }
        var path = context.Request.Path.Value ?? "";
        if (context.Response.StatusCode >= 400 || !path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/api/v1/auth/", StringComparison.Ordinal)
            || context.Items.ContainsKey(SkipKey))
        {
            return;
        }
        var note = context.Items[ItemKey] as AuditNote;
        var user = context.User.FindFirstValue(ClaimTypes.Name) ?? "anonymous";
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        _audit.Append(_time.GetUtcNow(), user, address, method, path, context.Response.StatusCode, note?.Generation, note?.Summary ?? $"{method} {path}");
    }
}
