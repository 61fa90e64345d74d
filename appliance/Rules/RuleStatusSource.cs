using Fulcrum.Appliance.Stats;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.Rules;

/// <summary>Adds each rule's counters (executions, failures, aborts by limit) from the rule runtime to the status report.</summary>
internal sealed class RuleStatusSource(RuleRuntime runtime) : IStatusSource
{
    public void Fill(ApplianceStatus status)
    {
        var stats = runtime.Statistics().ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var rule in status.Rules)
        {
            if (stats.TryGetValue(rule.Name, out var s))
            {
                rule.Executions = s.Executions;
                rule.Failures = s.Failures;
                rule.Aborts = s.Aborts;
            }
        }
    }
}
