namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// What the data plane does with a connection whose member goes down (pool <c>serviceDownAction</c>). It learns of the
/// down through <see cref="MemberState.WentDown"/> or <see cref="MemberState.DownToken"/>.
/// </summary>
public enum ServiceDownAction
{
    /// <summary>Leave existing connections alone; they end on their own (timeouts, server close).</summary>
    None,
    /// <summary>Reset the client and server connections (TCP RST) at once.</summary>
    Reset,
    /// <summary>
    /// Pick another member (<see cref="PoolState.Pick"/> with the down one in <see cref="PickContext.Exclude"/>) and move
    /// the connection there when the protocol allows it (nothing sent to the old member yet, or between HTTP requests);
    /// reset otherwise. At most <see cref="PoolState.ReselectTries"/> picks.
    /// </summary>
    Reselect,
}
