using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Http;
using Fulcrum.Appliance.DataPlane.L4;
using Fulcrum.Appliance.DataPlane.Listeners;
using Fulcrum.Appliance.DataPlane.Logging;
using Fulcrum.Appliance.DataPlane.OneConnect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane;

/// <summary>The data plane's wiring: one call in the composition root for services, one for the /metrics endpoint.</summary>
public static class DataPlaneServiceCollectionExtensions
{
    public static IServiceCollection AddDataPlane(this IServiceCollection services)
    {
        services.AddSingleton<DataPlaneCounters>();
        services.AddSingleton<Transport.ITransport>(sp => Transport.TransportFactory.Create(sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<TimeoutSweeper>();
        services.AddSingleton<Rules.RuleSetCache>();
        services.AddSingleton<IProxyEventSink, Rules.RuleEventSink>();
        services.AddSingleton<OneConnectPool>();
        services.AddSingleton<Selection.MemberSelector>();
        services.AddSingleton<ServerConnector>();
        services.AddSingleton<TcpProxy>();
        services.AddSingleton<AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        services.AddSingleton<HttpProxy>();
        services.AddSingleton<ConnectionHandler>();
        services.AddSingleton<ListenerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenerManager>());
        services.AddSingleton<IStatusSource, DataPlaneStatusSource>();
        services.AddSingleton<MetricsExporter>();
        return services;
    }

    /// <summary>GET /metrics (Prometheus text) on the management listener, behind the same auth as the API.</summary>
    public static IEndpointRouteBuilder MapDataPlaneEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (MetricsExporter exporter) => Results.Text(exporter.Render(), PrometheusText.ContentType))
            .RequireAuthorization(Policies.Read)
            .WithTags("status").WithName("metrics").WithSummary("Data-plane counters in Prometheus text format");
        return app;
    }
}
