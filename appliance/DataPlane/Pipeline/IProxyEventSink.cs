namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// The hook the proxy calls at each <see cref="ProxyEvent"/>. Today it is <see cref="NullProxyEventSink"/>; the rules
/// engine replaces it. <see cref="IsActive"/> lets the proxy skip the call (and any context it would build) when no
/// rule is attached to the virtual server.
/// </summary>
public interface IProxyEventSink
{
    bool IsActive(ProxyContext context);

    ValueTask<ProxyEventStatus> OnEventAsync(ProxyEvent evt, ProxyContext context);
}
