using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>Log events of rules in the data plane (ids 7100–7199). Rule failures themselves are logged, rate-limited, by the rule runtime (7000).</summary>
internal static partial class RulesLog
{
    [LoggerMessage(EventIds.RuleCompileFailed, LogLevel.Error, "Rule {Rule} does not compile; virtual servers that list it refuse connections: {Error}")]
    public static partial void CompileFailed(ILogger logger, string rule, string error);

    [LoggerMessage(EventIds.RuleWarmFailed, LogLevel.Warning, "Compiling rules ahead of traffic failed")]
    public static partial void WarmFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventIds.RuleVirtualRefused, LogLevel.Debug, "Virtual server {Virtual}: connection refused, a listed rule is missing or broken")]
    public static partial void VirtualRefused(ILogger logger, string @virtual);
}
