using Acornima;
using Jint;

namespace Fulcrum.Scripting.Compilation;

/// <summary>
/// Compiles rule source once, when it is saved. A rule that does not parse is refused with line and column
/// before anything is stored.
/// </summary>
public static class RuleCompiler
{
    /// <summary>Largest rule source accepted, in characters.</summary>
    public const int MaxSourceLength = 1 << 20;

    public static IReadOnlyList<RuleDiagnostic> Check(string source)
    {
        if (source.Length > MaxSourceLength)
        {
            return [new RuleDiagnostic($"rule source is {source.Length} characters; at most {MaxSourceLength} are allowed", 1, 1)];
        }
        try
        {
            _ = Engine.PrepareScript(source, source: "rule", strict: true);
            return [];
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException parse)
        {
            // Acornima reports 1-based lines and 0-based columns; editors count columns from 1.
            return [new RuleDiagnostic(parse.Description, parse.LineNumber, parse.Column + 1)];
        }
        catch (ScriptPreparationException ex)
        {
            return [new RuleDiagnostic(ex.Message, 1, 1)];
        }
    }
}
