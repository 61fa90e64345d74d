namespace Fulcrum.Scripting.Compilation;

/// <summary>A name a rule refers to by literal (a pool in <c>ctx.lb.pool('web')</c>, a data group), and where.</summary>
public sealed record RuleReference(string Name, int Line, int Column);
