using Fulcrum.Appliance.Stats;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.Rules;

public static class RuleServiceCollectionExtensions
{
    /// <summary>The rule runtime (compiled rules, pooled engines, per-rule statistics) and its status report.</summary>
    public static IServiceCollection AddFulcrumRules(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RuleRuntime(loggers: sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IStatusSource, RuleStatusSource>();
        return services;
    }
}
