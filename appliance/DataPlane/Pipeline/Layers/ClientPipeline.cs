namespace Fulcrum.Appliance.DataPlane.Pipeline.Layers;

/// <summary>
/// The client side of one virtual server's connections, built once per plan (per generation): its layers in order
/// and the protocol chosen for it. Only the layers a virtual needs are in its list (no PROXY reader without trusted
/// fronts), so a plain virtual runs none of them.
/// </summary>
public sealed class ClientPipeline
{
    public ClientPipeline(IClientLayer[] layers, IClientLayer[] afterAccepted, IConnectionProtocol protocol)
    {
        Layers = layers;
        AfterAccepted = afterAccepted;
        Protocol = protocol;
    }

    /// <summary>Layers before CLIENT_ACCEPTED (the PROXY header from a trusted front: the client's address rules see).</summary>
    public IClientLayer[] Layers { get; }

    /// <summary>
    /// Layers after CLIENT_ACCEPTED, as in LTM: the client-ssl layer, which raises CLIENTSSL_CLIENTHELLO and
    /// CLIENTSSL_HANDSHAKE into the rule session CLIENT_ACCEPTED made.
    /// </summary>
    public IClientLayer[] AfterAccepted { get; }

    public IConnectionProtocol Protocol { get; }

    /// <summary>
    /// Layers for <paramref name="plan"/>, in this order: socket options (set by the transport before this runs: the
    /// client-side tcp profile lives on the listener and accepted sockets inherit it, see docs/TCP.md), PROXY protocol in from trusted fronts (on the transport, under TLS), TLS (the client-ssl layer, added by the TLS
    /// issue, ends with <see cref="Transport.ProxySide.Wrap"/>). The protocol selector then picks the L4 pump or
    /// HTTP/1.1 from the profiles; HTTP/2 will be picked by ALPN or the connection preface.
    /// </summary>
    public static ClientPipeline Build(VirtualPlan plan, IClientLayer proxyProtocolIn, IClientLayer clientSsl, IConnectionProtocol tcp, IConnectionProtocol http)
    {
        IClientLayer[] layers = plan.AcceptProxyFrom.IsEmpty ? [] : [proxyProtocolIn];
        IClientLayer[] afterAccepted = plan.Runtime.ClientSsl is null ? [] : [clientSsl];
        return new ClientPipeline(layers, afterAccepted, plan.Http is null ? tcp : http);
    }
}
