namespace Fulcrum.Appliance.DataPlane.Pipeline.Layers;

/// <summary>
/// The client side of one virtual server's connections, built once per plan (per generation): its layers in order
/// and the protocol chosen for it. Only the layers a virtual needs are in its list (no PROXY reader without trusted
/// fronts), so a plain virtual runs none of them.
/// </summary>
public sealed class ClientPipeline
{
    public ClientPipeline(IClientLayer[] layers, IConnectionProtocol protocol)
    {
        Layers = layers;
        Protocol = protocol;
    }

    public IClientLayer[] Layers { get; }

    public IConnectionProtocol Protocol { get; }

    /// <summary>
    /// Layers for <paramref name="plan"/>, in this order: socket options (set by the transport before this runs: the
    /// client-side tcp profile lives on the listener and accepted sockets inherit it, see docs/TCP.md), PROXY protocol in from trusted fronts (on the transport, under TLS), TLS (the client-ssl layer, added by the TLS
    /// issue, ends with <see cref="Transport.ProxySide.Wrap"/>). The protocol selector then picks the L4 pump or
    /// HTTP/1.1 from the profiles; HTTP/2 will be picked by ALPN or the connection preface.
    /// </summary>
    public static ClientPipeline Build(VirtualPlan plan, IClientLayer proxyProtocolIn, IClientLayer clientSsl, IConnectionProtocol tcp, IConnectionProtocol http)
    {
        var layers = new List<IClientLayer>(3);
        if (!plan.AcceptProxyFrom.IsEmpty)
        {
            layers.Add(proxyProtocolIn);
        }
        if (plan.Runtime.ClientSsl is not null)
        {
            layers.Add(clientSsl);
        }
        return new ClientPipeline([.. layers], plan.Http is null ? tcp : http);
    }
}
