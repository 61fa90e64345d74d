using Fulcrum.Scripting.Compilation;

namespace Fulcrum.Scripting.Runtime;

/// <summary>A rule that cannot run: its diagnostics (syntax, save-time checks, or RULE_INIT failing) with line and column.</summary>
public sealed class RuleCompileException(string rule, IReadOnlyList<RuleDiagnostic> diagnostics)
    : Exception($"rule '{rule}': " + string.Join("; ", diagnostics.Select(d => $"line {d.Line}, column {d.Column}: {d.Message}")))
{
    public string Rule { get; } = rule;

    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; } = diagnostics;
}
