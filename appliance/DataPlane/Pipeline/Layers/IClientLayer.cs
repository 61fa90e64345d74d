namespace Fulcrum.Appliance.DataPlane.Pipeline.Layers;

/// <summary>
/// One layer of a client connection's set-up, run in order before the protocol: socket options, PROXY protocol in,
/// TLS. False ends the connection; the layer has recorded why (<see cref="ProxyContext.Fail"/>) and dealt with the socket.
/// </summary>
public interface IClientLayer
{
    ValueTask<bool> OnAcceptedAsync(ProxyContext ctx);
}

/// <summary>What runs a connection once its layers are in place: the L4 pump or the HTTP/1.1 proxy (HTTP/2 later).</summary>
public interface IConnectionProtocol
{
    Task RunAsync(ProxyContext ctx);
}
