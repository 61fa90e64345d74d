namespace Fulcrum.Scripting.Runtime;

/// <summary>The outcome of one event's dispatch: a status, and the error when the status is <see cref="RuleStatus.Error"/>.</summary>
public readonly record struct RuleDispatchResult(RuleStatus Status, RuleError? Error = null)
{
    public static RuleDispatchResult Continue => default;
}
