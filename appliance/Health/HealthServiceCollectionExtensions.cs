using Fulcrum.Appliance.Health.Probes;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The health monitors: one probe per monitor type, the engine, its loop (a hosted service) and its status source.</summary>
    public static IServiceCollection AddHealthMonitors(this IServiceCollection services)
    {
        services.AddSingleton<IHealthProbe, TcpProbe>();
        services.AddSingleton<IHealthProbe, TcpHalfOpenProbe>();
        services.AddSingleton<IHealthProbe, HttpProbe>();
        services.AddSingleton<IHealthProbe, HttpsProbe>();
        services.AddSingleton<IHealthProbe, UdpProbe>();
        services.AddSingleton<IHealthProbe, IcmpProbe>();
        services.AddSingleton<IHealthProbe, ExternalProbe>();
        services.AddSingleton<ProbeRegistry>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<HealthMonitor>(sp));
        services.AddHostedService<HealthMonitorService>();
        services.AddSingleton<IStatusSource, HealthStatusSource>();
        return services;
    }
}
