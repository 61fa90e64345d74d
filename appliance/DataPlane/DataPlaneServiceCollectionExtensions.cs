using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Http;
using Fulcrum.Appliance.DataPlane.L4;
using Fulcrum.Appliance.DataPlane.Listeners;
using Fulcrum.Appliance.DataPlane.Logging;
using Fulcrum.Appliance.DataPlane.OneConnect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane;

/// <summary>The data plane's wiring: one call in the composition root (its /metrics endpoint is mapped with the management API).</summary>
public static class DataPlaneServiceCollectionExtensions
{
    /// <param name="logDirectory">Where the access log is written (the data directory's logs/).</param>
    public static IServiceCollection AddDataPlane(this IServiceCollection services, string logDirectory)
    {
        services.AddSingleton(new DataPlaneOptions(logDirectory));
        services.AddSingleton<DataPlaneCounters>();
        services.AddSingleton<Transport.ITransport>(sp => Transport.TransportFactory.Create(sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<TimeoutSweeper>();
        services.AddHostedService<MemoryTrimmer>();
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
        // Packet mode (performance-l4): balancing through the shared selector, forwarding by Fulcrum.Packet.
        services.AddSingleton<Balancing.Selection.BalancingSelector>();
        services.AddSingleton<Packet.FlowBalancer>();
        services.AddSingleton<Packet.PacketModeService>();
        services.AddHostedService(sp => sp.GetRequiredService<Packet.PacketModeService>());
        services.AddSingleton<IStatusSource>(sp => sp.GetRequiredService<Packet.PacketModeService>());
        services.AddSingleton<MetricsExporter>();
        return services;
    }
}
