using Fulcrum.Appliance.DataPlane.ProxyProtocol;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Pipeline.Layers;

/// <summary>
/// A PROXY v1/v2 header from a trusted front (tcp profile acceptProxyProtocolFrom), read on the transport itself,
/// before any other layer: the client's and local addresses become the header's. Other clients pass untouched.
/// </summary>
internal sealed class ProxyProtocolInLayer : IClientLayer
{
    private readonly ILogger _logger;

    public ProxyProtocolInLayer(ILogger logger) => _logger = logger;

    public ValueTask<bool> OnAcceptedAsync(ProxyContext ctx) =>
        ctx.Plan.AcceptProxyFrom.Contains(ctx.ClientEndPoint.Address) ? ReadAsync(ctx) : ValueTask.FromResult(true);

    private async ValueTask<bool> ReadAsync(ProxyContext ctx)
    {
        var seconds = ctx.Plan.Http?.HeaderTimeout ?? 10;
        ctx.SetDeadline(seconds * 1000L, TerminationCause.ClientTimeout);
        var header = await ProxyProtocolReader.ReadAsync(ctx.Client.Transport).ConfigureAwait(false);
        ctx.ClearDeadline();
        if (header.Error is not null)
        {
            DataPlaneLog.ProxyProtocolRefused(_logger, ctx.Plan.Name, ctx.ClientEndPoint.ToString(), header.Error);
            ctx.Fail(TerminationCause.ClientParseError);
            ctx.Client.Abort();
            return false;
        }
        if (header.Source is not null && header.Destination is not null)
        {
            ctx.ClientEndPoint = header.Source;
            ctx.LocalEndPoint = header.Destination;
        }
        return true;
    }
}
