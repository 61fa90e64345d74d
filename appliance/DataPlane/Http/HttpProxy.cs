using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Logging;
using Fulcrum.Appliance.DataPlane.OneConnect;
using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>The L7 HTTP/1.1 full proxy (a virtual with an http profile): one <see cref="HttpSession"/> per client connection.</summary>
public sealed class HttpProxy : Pipeline.Layers.IConnectionProtocol
{
    public HttpProxy(ServerConnector connector, OneConnectPool oneConnect, IProxyEventSink events, AccessLogWriter accessLog, Balancing.BalancingState balancing, DataPlane.Selection.MemberSelector selector)
    {
        Selector = selector;
        Balancing = balancing;
        Connector = connector;
        OneConnect = oneConnect;
        Events = events;
        AccessLog = accessLog;
    }

    internal ServerConnector Connector { get; }

    internal OneConnectPool OneConnect { get; }

    internal IProxyEventSink Events { get; }

    internal AccessLogWriter AccessLog { get; }

    internal Balancing.BalancingState Balancing { get; }

    internal DataPlane.Selection.MemberSelector Selector { get; }

    public async Task RunAsync(ProxyContext ctx)
    {
        var session = new HttpSession(this, ctx);
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            session.Dispose();
        }
    }
}
