using Acornima;
using Acornima.Ast;
using Jint;

namespace Fulcrum.Scripting.Compilation;

/// <summary>
/// Compiles rule source once, when it is saved: parses it (strict mode) and analyses it. A rule that does not parse,
/// or breaks a save-time check, is refused with line and column before anything is stored.
/// </summary>
public static class RuleCompiler
{
    /// <summary>Largest rule source accepted, in characters.</summary>
    public const int MaxSourceLength = 1 << 20;

    /// <summary>Every problem in the source, syntax and static checks; empty when it may be saved.</summary>
    public static IReadOnlyList<RuleDiagnostic> Check(string source) => Analyze(source).Diagnostics;

    /// <summary>Parses and analyses; a syntax error gives an analysis with that one diagnostic.</summary>
    public static RuleAnalysis Analyze(string source) => Parse(source, out _);

    internal static RuleAnalysis Parse(string source, out Prepared<Script> prepared)
    {
        prepared = default;
        if (source.Length > MaxSourceLength)
        {
            return Failed(new RuleDiagnostic($"rule source is {source.Length} characters; at most {MaxSourceLength} are allowed", 1, 1));
        }
        try
        {
            prepared = Engine.PrepareScript(source, source: "rule", strict: true);
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException parse)
        {
            // Acornima reports 1-based lines and 0-based columns; editors count columns from 1.
            return Failed(new RuleDiagnostic(parse.Description, parse.LineNumber, parse.Column + 1));
        }
        catch (ScriptPreparationException ex)
        {
            return Failed(new RuleDiagnostic(ex.Message, 1, 1));
        }
        var analysis = RuleAnalyzer.Analyze(prepared.Program!);
        if (analysis.Succeeded)
        {
            KeyGuardRewriter.Apply(prepared.Program!);
        }
        return analysis;
    }

    private static RuleAnalysis Failed(RuleDiagnostic d) => new([d], [], [], [], null, null, RuleLimits.Default, []);
}
