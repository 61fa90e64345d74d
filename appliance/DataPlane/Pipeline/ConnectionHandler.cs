using System.Net.Sockets;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Http;
using Fulcrum.Appliance.DataPlane.L4;
using Fulcrum.Appliance.DataPlane.ProxyProtocol;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Stats;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// The client side of the pipeline for one accepted socket, on the loop that accepted it: the virtual's layers
/// (<see cref="Layers.ClientPipeline"/>: socket options, PROXY header from a trusted front) → CLIENT_ACCEPTED → TLS
/// (CLIENTSSL_CLIENTHELLO, the handshake, CLIENTSSL_HANDSHAKE) → the protocol (L4 channels or the HTTP/1.1 proxy) →
/// CLIENT_CLOSED, with the termination cause counted once at the end.
/// </summary>
public sealed class ConnectionHandler
{
    /// <summary>Client-side pipe segment size; idle connections hold none (zero-byte reads).</summary>
    private const int ClientReadBufferSize = 16 * 1024;

    private readonly TcpProxy _tcp;
    private readonly HttpProxy _http;
    private readonly TimeoutSweeper _sweeper;
    private readonly IProxyEventSink _events;
    private readonly BalancingState _balancing;
    private readonly DataPlaneCounters _counters;
    private readonly ILogger _logger;
    private readonly Layers.IClientLayer _proxyProtocolIn;
    private readonly Layers.IClientLayer _clientSsl;

    public ConnectionHandler(TcpProxy tcp, HttpProxy http, TimeoutSweeper sweeper, IProxyEventSink events, BalancingState balancing, DataPlaneCounters counters, ILogger<ConnectionHandler> logger)
    {
        _tcp = tcp;
        _http = http;
        _sweeper = sweeper;
        _events = events;
        _balancing = balancing;
        _counters = counters;
        _logger = logger;
        _proxyProtocolIn = new Layers.ProxyProtocolInLayer(logger);
        _clientSsl = new Tls.ClientSslLayer(events, logger);
    }

    public async Task HandleAsync(TransportSocket socket, VirtualPlan plan, Action? closed)
    {
        var counters = plan.Counters;
        counters.Opened();
        ProxyContext? ctx = null;
        try
        {
            socket.Meter(receiveIsIn: true, counters);
            var client = new ProxySide(socket, ClientReadBufferSize, zeroByteReads: true);
            // The listener's own address is the local end unless it is a wildcard (the transport then asks getsockname).
            ctx = new ProxyContext(plan, client, socket.RemoteEndPoint, socket.LocalEndPoint);
            _sweeper.Register(ctx);
            var pipeline = plan.Pipeline ??= Layers.ClientPipeline.Build(plan, _proxyProtocolIn, _clientSsl, _tcp, _http);
            foreach (var layer in pipeline.Layers)
            {
                if (!await layer.OnAcceptedAsync(ctx).ConfigureAwait(false))
                {
                    return;
                }
            }
            if (plan.Runtime.Pool is { } pool)
            {
                ctx.Pool = _balancing.Pool(pool.Name);
                ctx.PoolCounters = _counters.Pool(pool.Name);
            }
            if (_events.IsActive(ctx) && await _events.OnEventAsync(ProxyEvent.ClientAccepted, ctx).ConfigureAwait(false) is not ProxyEventStatus.Continue and var accepted)
            {
                await Rules.RuleOutcome.EndAsync(ctx, accepted).ConfigureAwait(false);
                return;
            }
            foreach (var layer in pipeline.AfterAccepted)
            {
                if (!await layer.OnAcceptedAsync(ctx).ConfigureAwait(false))
                {
                    return;
                }
            }
            await pipeline.Protocol.RunAsync(ctx).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            ctx?.Fail(TerminationCause.ClientClosed);
        }
        catch (Exception ex)
        {
            ctx?.Fail(TerminationCause.Internal);
            DataPlaneLog.ConnectionInternalError(_logger, ex, plan.Name);
        }
        finally
        {
            if (ctx is not null)
            {
                _sweeper.Unregister(ctx);
                if (ctx.Cause == TerminationCause.None && ctx.Client.IsLayered && !ctx.Client.IsDisposed)
                {
                    // A clean end over TLS says so (close_notify, then FIN): once per side, a no-op if already sent.
                    ctx.Client.ShutdownSend();
                }
                ctx.Client.Dispose();
                ctx.Client.ReleaseBuffers();
                counters.Error(ctx.Cause);
                if (_events.IsActive(ctx))
                {
                    try
                    {
                        await _events.OnEventAsync(ProxyEvent.ClientClosed, ctx).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        DataPlaneLog.ConnectionInternalError(_logger, ex, plan.Name);
                    }
                }
            }
            else
            {
                socket.Dispose();
            }
            counters.Closed();
            closed?.Invoke();
        }
    }
}
