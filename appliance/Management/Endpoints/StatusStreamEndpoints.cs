using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// <c>GET /api/v1/status/stream</c>: Server-Sent Events, one <c>event: status</c> a second whose data is the same
/// JSON as <c>GET /api/v1/status</c>. The console's dashboard listens to this one stream instead of polling each object.
/// The stream ends when the client goes away, the appliance stops, or the session it was opened with ends.
/// </summary>
public static class StatusStreamEndpoints
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How often a session-backed stream checks that its session is still valid (logout, expiry).</summary>
    private const int SessionCheckEvery = 10;

    public static IEndpointRouteBuilder MapStatusStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/status/stream", StreamAsync)
            .RequireAuthorization(Policies.Read)
            .WithTags("status").WithName("status-stream")
            .WithSummary("Server-Sent Events: an 'event: status' every second with the same JSON as GET /api/v1/status")
            .Produces<ApplianceStatus>(200, "text/event-stream");
        return app;
    }

    private static async Task StreamAsync(HttpContext context, ConfigService config, IEnumerable<IStatusSource> sources, TimeProvider time,
        SessionStore sessions, IHostApplicationLifetime lifetime)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        var sources_ = sources.ToArray();
        var session = SessionOf(context);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var token = stop.Token;
        using var timer = new PeriodicTimer(Interval, time);
        await response.WriteAsync("retry: 2000\n\n", token).ConfigureAwait(false);
        var ticks = 0;
        try
        {
            do
            {
                if (session is { } s && ++ticks % SessionCheckEvery == 0 && sessions.Validate(s.Token, s.Kind) is null)
                {
                    await response.WriteAsync("event: ended\ndata: {\"reason\":\"the session has ended\"}\n\n", token).ConfigureAwait(false);
                    return;
                }
                var json = JsonSerializer.Serialize(StatusEndpoints.Report(config, sources_, time), ConfigJson.Options);
                var frame = new StringBuilder(json.Length + 32).Append("event: status\ndata: ").Append(json).Append("\n\n").ToString();
                await response.WriteAsync(frame, token).ConfigureAwait(false);
                await response.Body.FlushAsync(token).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client left or the appliance is stopping: the stream simply ends.
        }
    }

    /// <summary>The session or bearer token this request was authenticated with, to recheck while the stream is open.</summary>
    private static (string Token, string Kind)? SessionOf(HttpContext context)
    {
        var method = context.User.FindFirstValue(AuthClaims.Method);
        if (method == AuthMethods.Cookie && context.Request.Cookies[AuthDefaults.CookieName] is { Length: > 0 } cookie)
        {
            return (cookie, AuthMethods.Cookie);
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (method == AuthMethods.Bearer && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (header["Bearer ".Length..].Trim(), AuthMethods.Bearer);
        }
        return null;
    }
}
