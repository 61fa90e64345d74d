namespace Fulcrum.Scripting.Runtime;

/// <summary>Why a rule failed in an event: which rule, which event, where in its source (1-based line and column; 0 when unknown).</summary>
public sealed record RuleError(string Rule, string Event, string Message, int Line, int Column, RuleErrorKind Kind)
{
    public override string ToString() => Line > 0 ? $"rule '{Rule}' {Event} line {Line}, column {Column}: {Message}" : $"rule '{Rule}' {Event}: {Message}";
}

public enum RuleErrorKind : byte
{
    /// <summary>The rule threw (its own error or a host call refused).</summary>
    Exception,
    /// <summary>Ran past its time limit.</summary>
    Time,
    Statements,
    Memory,
    Recursion,
    /// <summary>A regular expression ran past its time limit.</summary>
    Regex,
}
