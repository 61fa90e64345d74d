using System.Diagnostics;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// The time limit of one call into an engine. Jint resets constraints at every call; the budget is generous while the
/// rule loads (first calls pay for JIT compilation) and the rule's own limit for handler calls.
/// </summary>
internal sealed class HandlerDeadline : Constraint
{
    private long _deadline;

    public TimeSpan Budget { get; set; }

    public override bool IsAmortizable => true;

    public override void Check()
    {
        if (Stopwatch.GetTimestamp() > _deadline)
        {
            throw new TimeoutException();
        }
    }

    public override void Reset() => _deadline = Stopwatch.GetTimestamp() + (long)(Budget.TotalSeconds * Stopwatch.Frequency);
}
