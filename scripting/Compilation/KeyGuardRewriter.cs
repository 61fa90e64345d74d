using System.Runtime.CompilerServices;
using Acornima.Ast;

namespace Fulcrum.Scripting.Compilation;

/// <summary>
/// Wraps, in a prepared rule's syntax tree, the operand of every <c>for (k in x)</c>, object spread <c>{...x}</c> and
/// object rest <c>const {...r} = x</c> / <c>({...r} = x)</c> in a call of a hidden global that checks how many keys
/// it would make (<see cref="Host.KeyGuard"/>): these are syntax, not calls the prelude can wrap, and Jint makes all
/// their keys inside one statement, past its memory check. Object rest anywhere else (nested, parameters, catch, loop
/// heads) has no operand to wrap; the analyzer refuses it.
/// </summary>
/// <remarks>
/// The tree is changed in place, right after <c>Engine.PrepareScript</c> and before any engine runs it: Jint's public
/// API runs only a <c>Prepared&lt;Script&gt;</c> it parsed itself, and rebuilding the ancestors of a changed node would
/// drop the analysis Jint stored on them and their source locations. Only the one child reference changes; the new
/// call and its callee carry the operand's location, so errors still point at the rule's own line and column.
/// </remarks>
internal static class KeyGuardRewriter
{
    /// <summary>Not an identifier, so no rule can name, declare or shadow it; a frozen, non-writable global.</summary>
    public const string ForInGuard = "%forInKeys";

    public const string CopyGuard = "%copyKeys";

    public static void Apply(Script script) => Visit(script);

    private static void Visit(Node node)
    {
        // The children as parsed, so a wrapped operand is visited once, not its wrapper.
        var children = node.ChildNodes.ToList();
        switch (node)
        {
            case ForInStatement f:
                ForInRight(f) = Wrap(ForInGuard, f.Right);
                break;
            case ObjectExpression o:
                foreach (var p in o.Properties)
                {
                    if (p is SpreadElement s)
                    {
                        SpreadArgument(s) = Wrap(CopyGuard, s.Argument);
                    }
                }
                break;
            case VariableDeclarator { Id: ObjectPattern pattern, Init: { } init } d when HasRest(pattern):
                DeclaratorInit(d) = Wrap(CopyGuard, init);
                break;
            case AssignmentExpression { Left: ObjectPattern pattern } a when HasRest(pattern):
                AssignmentRight(a) = Wrap(CopyGuard, a.Right);
                break;
        }
        foreach (var child in children)
        {
            Visit(child);
        }
    }

    public static bool HasRest(ObjectPattern pattern) => pattern.Properties.Count > 0 && pattern.Properties[^1] is RestElement;

    private static CallExpression Wrap(string guard, Expression operand) =>
        new(new Identifier(guard) { Location = operand.Location, Range = operand.Range }, NodeList.From(operand), optional: false)
        {
            Location = operand.Location,
            Range = operand.Range,
        };

    // Acornima's nodes are immutable to its public API; these reach the backing fields of the four child references.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Right>k__BackingField")]
    private static extern ref Expression ForInRight(ForInStatement node);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Argument>k__BackingField")]
    private static extern ref Expression SpreadArgument(SpreadElement node);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Init>k__BackingField")]
    private static extern ref Expression? DeclaratorInit(VariableDeclarator node);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "<Right>k__BackingField")]
    private static extern ref Expression AssignmentRight(AssignmentExpression node);
}
