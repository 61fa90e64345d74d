namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>No rules yet: every event continues.</summary>
public sealed class NullProxyEventSink : IProxyEventSink
{
    public bool IsActive(ProxyContext context) => false;

    public ValueTask<ProxyEventStatus> OnEventAsync(ProxyEvent evt, ProxyContext context) => ValueTask.FromResult(ProxyEventStatus.Continue);
}
