namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>What the proxy does after an event handler returns (Envoy's filter status idea).</summary>
public enum ProxyEventStatus : byte
{
    /// <summary>Go on as if no handler ran.</summary>
    Continue,

    /// <summary>A handler answered the client itself; the proxy sends nothing to a member for this request.</summary>
    Responded,

    /// <summary>Reset the client connection now.</summary>
    Reset,

    /// <summary>Flush what was sent to the client and close it (a rule's drop or tcp close).</summary>
    Close,
}
