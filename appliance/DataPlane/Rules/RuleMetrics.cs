using Fulcrum.Appliance.Stats;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// Per-rule series for /metrics: <c>fulcrum_rule_executions_total</c>, <c>_failures_total</c>, <c>_aborts_total</c>
/// (label <c>rule</c>) and, per event, <c>fulcrum_rule_event_executions_total</c> and
/// <c>fulcrum_rule_event_micros{stat="min|avg|max"}</c> (labels <c>rule</c>, <c>event</c>).
/// </summary>
public static class RuleMetrics
{
    public static void Write(PrometheusText text, IReadOnlyList<RuleStatisticsSnapshot> rules)
    {
        var live = rules.Where(r => r.Name != "warm-up").ToArray();
        text.Family("fulcrum_rule_executions_total", "counter", "Handler calls of the rule.");
        foreach (var r in live)
        {
            text.Sample("fulcrum_rule_executions_total", r.Executions, ("rule", r.Name));
        }
        text.Family("fulcrum_rule_failures_total", "counter", "Handler calls that threw or overran a limit.");
        foreach (var r in live)
        {
            text.Sample("fulcrum_rule_failures_total", r.Failures, ("rule", r.Name));
        }
        text.Family("fulcrum_rule_aborts_total", "counter", "Handler calls stopped by a limit (time, statements, memory, recursion, regex).");
        foreach (var r in live)
        {
            text.Sample("fulcrum_rule_aborts_total", r.Aborts, ("rule", r.Name));
        }
        text.Family("fulcrum_rule_event_executions_total", "counter", "Handler calls of the rule per event.");
        foreach (var r in live)
        {
            foreach (var e in r.Events)
            {
                text.Sample("fulcrum_rule_event_executions_total", e.Executions, ("rule", r.Name), ("event", e.Event));
            }
        }
        text.Family("fulcrum_rule_event_micros", "gauge", "Handler time per event in microseconds since start (stat: min, avg, max).");
        foreach (var r in live)
        {
            foreach (var e in r.Events)
            {
                text.Sample("fulcrum_rule_event_micros", e.MinMicros, ("rule", r.Name), ("event", e.Event), ("stat", "min"));
                text.Sample("fulcrum_rule_event_micros", e.AvgMicros, ("rule", r.Name), ("event", e.Event), ("stat", "avg"));
                text.Sample("fulcrum_rule_event_micros", e.MaxMicros, ("rule", r.Name), ("event", e.Event), ("stat", "max"));
            }
        }
    }
}
