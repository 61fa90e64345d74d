using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Bundles;
using Fulcrum.Appliance.Config.Bundles.Signing;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Health;
using Fulcrum.Appliance.DataPlane;
using Fulcrum.Appliance.Dns;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Management.Endpoints;
using Fulcrum.Appliance.Management.WebConsole;
using Fulcrum.Appliance.Management;
using Fulcrum.Appliance.Rules;
using Fulcrum.Appliance.Stats;
using Fulcrum.Scripting.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Scalar.AspNetCore;

namespace Fulcrum.Appliance;

/// <summary>
/// The composition root of the appliance process: the store and control plane, balancing state, and the
/// management API on its own listener. The data plane attaches to the same <see cref="RuntimeModel"/>.
/// </summary>
public static class ApplianceHost
{
    public static WebApplication Build(ManagementOptions options, string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Endpoint, listen =>
            {
                if (options.Tls is { } tls)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = tls.Certificate, ServerCertificateChain = tls.Chain });
                }
            });
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = JsonBody.LargeMaxBytes + 1L;
            // Long names must reach the API so it can answer with a problem document, not Kestrel's bare 414/431.
            k.Limits.MaxRequestLineSize = 64 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 96 * 1024;
            k.Limits.MaxRequestBufferSize = 1024 * 1024;
        });

        var db = SqliteDatabase.Open(options.DataDir);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(db);
        services.AddSingleton<ConfigStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton(new ConfigValidator([options.Endpoint]));
        services.AddSingleton<ConfigEditor>();
        services.AddSingleton<RuntimeModel>();
        services.AddSingleton<ConfigService>();
        services.AddFulcrumBalancing(options.DataDir);
        services.AddFulcrumBundles();
        services.AddHealthMonitors();
        services.AddFulcrumRules();
        services.AddSingleton<CertificateExpiry>();
        services.AddSingleton<IStatusSource>(sp => sp.GetRequiredService<CertificateExpiry>());
        services.AddFulcrumAuth(db);
        services.AddDataPlane(Path.Combine(options.DataDir, "logs"));
        services.AddFulcrumDns();
        services.AddHostedService<Fulcrum.Appliance.Cluster.ClusterStateWriter>();
        services.AddOpenApi("v1", o => o.AddSchemaTransformer<OpenApiValueSets>().AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Fulcrum management API";
            doc.Info.Description = "Pools, members, nodes, monitors, profiles, rules, certificates, data groups and virtual servers; generations, rollback and audit. Errors are RFC 9457 problem documents.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.Services.GetRequiredService<ConfigService>().Initialize(db.Path);
        _ = app.Services.GetRequiredService<BalancingState>();

        app.UseExceptionHandler(handler => handler.Run(HandleException));
        app.UseStatusCodePages(async ctx =>
        {
            var status = ctx.HttpContext.Response.StatusCode;
            await Problems.WriteAsync(ctx.HttpContext, status, status switch
            {
                404 => "Not found",
                405 => "Method not allowed",
                _ => ReasonPhrases(status),
            }, status == 404 ? $"no resource at {ctx.HttpContext.Request.Path}" : null);
        });
        app.UseConsole();
        app.UseFulcrumAuth();
        app.UseMiddleware<AuditMiddleware>();

        app.MapGet("/healthz", () => Results.Text("ok\n")).AllowAnonymous().ExcludeFromDescription();
        app.MapAuthEndpoints();
        app.MapUserEndpoints();
        app.MapObjectEndpoints();
        app.MapMemberEndpoints();
        app.MapConfigEndpoints();
        app.MapStatusEndpoints();
        app.MapPersistenceEndpoints();
        app.MapConnectionEndpoints();
        app.MapBundleEndpoints();
        app.MapHealthEndpoints();
        app.MapStatusStreamEndpoints();
        app.MapRuleTestEndpoints();
        app.MapMetricsEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/scalar", o => o.WithTitle("Fulcrum management API"));
        return app;
    }

    private static async Task HandleException(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        switch (error)
        {
            case BadHttpRequestException bad:
                await Problems.WriteAsync(context, bad.StatusCode, ReasonPhrases(bad.StatusCode), bad.Message);
                break;
            case StoreException store:
                await Problems.WriteAsync(context, 409, "Store conflict", store.Message);
                break;
            default:
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Fulcrum.Management");
                ManagementLog.Unhandled(logger, error!, context.Request.Method, context.Request.Path);
                await Problems.WriteAsync(context, 500, "Internal error", "the appliance failed to handle this request; the error is in its log");
                break;
        }
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";
}
