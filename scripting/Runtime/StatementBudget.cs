namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// A rule's statement limit. Jint's own MaxStatements restarts at every call into the engine, which would give each
/// handler of an event a full budget; this one keeps counting across the handler calls of one event while the host holds
/// it (<see cref="Begin"/>, <see cref="End"/>), and restarts per call only outside a dispatch (loading the rule).
/// </summary>
internal sealed class StatementBudget : Constraint
{
    private int _count;
    private bool _held;

    public StatementBudget(int max) => Max = max;

    public int Max { get; }

    // Exact: the count is the measure, so every statement must be seen (Jint then calls Check before each one).
    public override bool IsAmortizable => false;

    public override void Check()
    {
        if (++_count > Max)
        {
            throw new Jint.Runtime.StatementsCountOverflowException();
        }
    }

    public override void Reset()
    {
        if (!_held)
        {
            _count = 0;
        }
    }

    public void Begin(int used)
    {
        _count = used;
        _held = true;
    }

    /// <summary>Releases the budget; the statements counted so far in this event.</summary>
    public int End()
    {
        _held = false;
        return _count;
    }
}
