namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// One direction's state (HAProxy's channel shutdown flags, as a single state). Allowed moves:
/// <code>
///  Open ──source FIN──▶ ReadClosed ──FIN forwarded──▶ Done
///  Open ──error (reset, abort, timeout)───────────────▶ Failed
///  ReadClosed ──error while forwarding the FIN────────▶ Failed
/// </code>
/// Impossible: Done or Failed going anywhere; a write after ReadClosed (nothing is left to forward).
/// The connection ends when both directions are Done (clean, both half-closes seen) or one is Failed (the other is aborted).
/// </summary>
public enum ChannelState : byte
{
    Open,
    ReadClosed,
    Done,
    Failed,
}
