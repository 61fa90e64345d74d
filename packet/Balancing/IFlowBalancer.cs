namespace Fulcrum.Packet.Balancing;

/// <summary>
/// The balancing packet mode needs, implemented by the appliance on top of the same methods, persistence and member
/// health the full proxy uses. Picks happen once per new flow on a forwarder thread: they must not block.
/// </summary>
public interface IFlowBalancer
{
    /// <summary>The member for a new flow, or null when none can take it (the flow is dropped and counted).</summary>
    IFlowMember? Pick(in FlowRequest request);

    /// <summary>Raised (on a monitor's thread) when a member's health turns to down.</summary>
    event Action<IFlowMember>? MemberDown;
}
