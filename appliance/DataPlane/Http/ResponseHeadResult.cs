namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>Outcome of waiting for a response head.</summary>
public enum ResponseHeadResult : byte
{
    Complete,
    /// <summary>The member closed (or reset) before sending a single byte: the request may be retried if idempotent.</summary>
    ClosedBeforeResponse,
    /// <summary>The member closed or reset in the middle of the head.</summary>
    Failed,
    /// <summary>The head was refused by the parser.</summary>
    Invalid,
}
