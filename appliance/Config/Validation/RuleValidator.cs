using System.Runtime.CompilerServices;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Scripting.Compilation;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Every rule compiles. Compiling is cached per record, which later generations share while the rule is unchanged.</summary>
internal sealed class RuleValidator : IConfigValidator
{
    private static readonly ConditionalWeakTable<Rule, IReadOnlyList<RuleDiagnostic>> Cache = new();

    public void Validate(ValidationContext context)
    {
        foreach (var rule in context.Config.Rules)
        {
            foreach (var d in Cache.GetValue(rule, r => RuleCompiler.Check(r.Source)))
            {
                context.Add($"rules/{rule.Name}/source", $"line {d.Line}, column {d.Column}: {d.Message}");
            }
        }
    }
}
