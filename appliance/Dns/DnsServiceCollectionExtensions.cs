using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Dns;

/// <summary>DNS virtual servers' wiring: one call in the composition root, after the data plane.</summary>
public static class DnsServiceCollectionExtensions
{
    public static IServiceCollection AddFulcrumDns(this IServiceCollection services)
    {
        services.AddSingleton<DnsCounters>();
        services.AddSingleton<DnsListenerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<DnsListenerManager>());
        services.AddSingleton<IStatusSource, DnsStatusSource>();
        return services;
    }
}
