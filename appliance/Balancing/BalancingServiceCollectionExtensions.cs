using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Stats;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fulcrum.Appliance.Balancing;

public static class BalancingServiceCollectionExtensions
{
    /// <summary>
    /// Balancing state, the random source, persistence (cookie secret kept in <paramref name="dataDir"/>) and the
    /// balancing status source. Expects <see cref="RuntimeModel"/> and <see cref="TimeProvider"/> to be registered.
    /// </summary>
    public static IServiceCollection AddFulcrumBalancing(this IServiceCollection services, string? dataDir)
    {
        services.TryAddSingleton<IRandomSource>(SharedRandomSource.Instance);
        services.AddSingleton(sp => new BalancingState(sp.GetRequiredService<RuntimeModel>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IRandomSource>()));
        services.AddSingleton<IStatusSource, BalancingStatusSource>();
        services.AddSingleton(_ => PersistenceOptions.FromDataDir(dataDir));
        services.AddSingleton(sp => new PersistenceService(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<PersistenceOptions>()));
        return services;
    }
}
