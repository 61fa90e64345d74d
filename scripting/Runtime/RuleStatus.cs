namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// What one event's dispatch tells the proxy to do next (Envoy's filter status, for rules). Each value says what the
/// caller must do.
/// </summary>
public enum RuleStatus : byte
{
    /// <summary>Go on as configured (with whatever pool, headers, payload the rules set).</summary>
    Continue,
    /// <summary>A handler called <c>ctx.event.stop()</c>: later handlers of this event were skipped; go on as with Continue.</summary>
    Stopped,
    /// <summary><see cref="RuleConnection.Response"/> holds a local response: send it instead of forwarding (or instead of the server's response), then dispatch HTTP_RESPONSE_RELEASE.</summary>
    Responded,
    /// <summary><c>ctx.drop()</c>: close the client connection without answering.</summary>
    Dropped,
    /// <summary><c>ctx.reject()</c>: reset the client connection.</summary>
    Rejected,
    /// <summary><c>ctx.tcp.close()</c>: flush what was sent to the client, then close both sides.</summary>
    Closed,
    /// <summary>A rule threw or overran a limit (<see cref="RuleDispatchResult.Error"/>): reset an L4 connection, answer 500 on HTTP.</summary>
    Error,
}
