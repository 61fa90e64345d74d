namespace Fulcrum.Scripting.Compilation;

/// <summary>A problem found in a rule's source. Line is 1-based, column 1-based, as editors show them.</summary>
public sealed record RuleDiagnostic(string Message, int Line, int Column);
