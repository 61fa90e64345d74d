using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.ProxyProtocol;
using Fulcrum.Appliance.DataPlane.Snat;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Stats;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Connect;

/// <summary>
/// Opens the server side: picks a member, connects within the tcp profile's connect timeout with the virtual's source
/// translation, sends the PROXY header if the profile asks, and on a refusal or timeout picks another member, up to
/// the pool's reselectTries (LTM: 0 means no retry).
/// </summary>
public sealed class ServerConnector
{
    private readonly DataPlaneCounters _counters;
    private readonly IProxyEventSink _events;
    private readonly ILogger _logger;
    private readonly Selection.MemberSelector _selector;

    private readonly ITransport _transport;

    public ServerConnector(DataPlaneCounters counters, IProxyEventSink events, ILogger<ServerConnector> logger, Selection.MemberSelector selector, ITransport transport)
    {
        _transport = transport;
        _selector = selector;
        _counters = counters;
        _events = events;
        _logger = logger;
    }

    /// <param name="preselected">A member already picked for this request (OneConnect picks before looking for an idle connection).</param>
    /// <param name="reuseKey">OneConnect key stored on the connection (null: not reusable by other clients).</param>
    /// <param name="takeIdle">OneConnect: an idle connection to the member picked (after LB_SELECTED), if there is one.</param>
    public async ValueTask<ConnectResult> ConnectAsync(ProxyContext ctx, IPAddress? reuseKey, MemberState? avoid = null, MemberState? preselected = null,
        Func<MemberState, ServerConnection?>? takeIdle = null)
    {
        var rules = ctx.Rules;
        preselected ??= rules?.Preselected();
        var pool = ctx.Pool;
        if (pool is null)
        {
            if (rules is not null && _events.IsActive(ctx) && await RuleFailedAsync(ctx, rules).ConfigureAwait(false) && ctx.Pool is not null)
            {
                return await ConnectAsync(ctx, reuseKey, null, rules.Preselected(), takeIdle).ConfigureAwait(false);
            }
            return new ConnectResult(null, TerminationCause.NoMember);
        }
        var tries = 1 + Math.Max(0, pool.Config.Config.ReselectTries);
        var exclude = avoid;
        var failure = TerminationCause.NoMember;
        var redispatched = false;
        for (var attempt = 0; attempt < tries; attempt++)
        {
            var named = attempt == 0 && preselected is not null;
            var member = named ? preselected : _selector.Pick(ctx, pool, exclude);
            var persisted = !named && ctx.Balancing.PickedByPersistence;
            if (member is null)
            {
                // With a single member that just failed, trying it again is still better than giving up on a retry.
                member = exclude is not null && exclude.IsSelectable && attempt > 0 ? exclude : null;
                if (member is null)
                {
                    if (attempt == 0)
                    {
                        failure = TerminationCause.NoMember;
                    }
                    // LB_FAILED also when nothing could be picked: a rule may choose another pool (sorry server) or answer.
                    if (rules is not null && _events.IsActive(ctx) && await RuleFailedAsync(ctx, rules).ConfigureAwait(false) && ctx.Pool is { } next)
                    {
                        (pool, exclude, attempt, tries, preselected) = (next, null, -1, 1 + Math.Max(0, next.Config.Config.ReselectTries), rules.Preselected());
                        continue;
                    }
                    break;
                }
            }
            ctx.Member = member;
            if (_events.IsActive(ctx))
            {
                if (await _events.OnEventAsync(ProxyEvent.LbSelected, ctx).ConfigureAwait(false) != ProxyEventStatus.Continue)
                {
                    return new ConnectResult(null, TerminationCause.None);
                }
                if (rules is not null && rules.TakeReselect() && ctx.Pool is { } chosen)
                {
                    (pool, exclude, attempt, tries, preselected) = (chosen, null, -1, 1 + Math.Max(0, chosen.Config.Config.ReselectTries), rules.Preselected());
                    continue;
                }
            }
            if (takeIdle?.Invoke(member) is { } idle)
            {
                return new ConnectResult(idle, TerminationCause.None); // no SERVER_CONNECTED: nothing was connected
            }
            var (connection, cause) = await ConnectOneAsync(ctx, member, reuseKey).ConfigureAwait(false);
            if (connection is not null)
            {
                if (named || ctx.Balancing.RuleMethod is not null)
                {
                    // No pick recorded it (a member named by a rule or picked before), or a rule asked for
                    // persistence in LB_SELECTED: the member used is what the persistence records must name.
                    _selector.Reuse(ctx, pool, member);
                }
                if (_events.IsActive(ctx))
                {
                    // The caller adopts the connection after this returns; until then ctx.server comes from here.
                    rules?.ServerConnecting(connection.Side);
                    try
                    {
                        // SERVERSSL_HANDSHAKE after SERVER_CONNECTED, as in LTM (here both run once the handshake
                        // finished: a connect includes it); not when SERVER_CONNECTED already ended the connection.
                        if (await _events.OnEventAsync(ProxyEvent.ServerConnected, ctx).ConfigureAwait(false) == ProxyEventStatus.Continue
                            && rules is { Verdict: Rules.RuleVerdict.None } && connection.Side.Stream is Tls.ServerTlsStream)
                        {
                            await _events.OnEventAsync(ProxyEvent.ServerSslHandshake, ctx).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        rules?.ServerConnecting(null);
                    }
                }
                return new ConnectResult(connection, TerminationCause.None);
            }
            failure = cause;
            member.Failed();
            _counters.Member(member).Error(cause);
            ctx.PoolCounters?.Error(cause);
            if (rules is not null && _events.IsActive(ctx))
            {
                ctx.Member = member;
                if (await RuleFailedAsync(ctx, rules).ConfigureAwait(false) && ctx.Pool is { } next)
                {
                    (pool, exclude, attempt, tries, preselected) = (next, null, -1, 1 + Math.Max(0, next.Config.Config.ReselectTries), rules.Preselected());
                    continue;
                }
                if (rules.Verdict != Rules.RuleVerdict.None)
                {
                    break;
                }
            }
            if (cause == TerminationCause.Resource)
            {
                break;
            }
            exclude = Redispatch(pool, persisted, attempt, ref tries, ref redispatched) ? member : exclude;
        }
        return new ConnectResult(null, failure);
    }

    /// <summary>
    /// After a failed connect: whether the next attempt avoids the member that failed. A member from a persistence
    /// record is avoided only with the pool's <c>redispatch</c> (HAProxy's <c>option redispatch</c>), which also grants
    /// one attempt past the reselect tries, so a persisted client never gets a 503 for a dead member while others are
    /// up; the next pick learns the record again. Without it the retries go to the persisted member.
    /// </summary>
    private static bool Redispatch(PoolState pool, bool persisted, int attempt, ref int tries, ref bool redispatched)
    {
        if (!persisted)
        {
            return true;
        }
        if (!pool.Config.Config.Redispatch)
        {
            return false;
        }
        if (attempt == tries - 1 && !redispatched)
        {
            redispatched = true;
            tries++;
        }
        return true;
    }

    /// <summary>LB_FAILED: true when a rule asked to pick again (a new pool or member, or reselect).</summary>
    private async ValueTask<bool> RuleFailedAsync(ProxyContext ctx, Rules.RuleSession rules)
    {
        var status = await _events.OnEventAsync(ProxyEvent.LbFailed, ctx).ConfigureAwait(false);
        return status == ProxyEventStatus.Continue && rules.TakeReselect();
    }

    private async ValueTask<(ServerConnection?, TerminationCause)> ConnectOneAsync(ProxyContext ctx, MemberState member, IPAddress? reuseKey)
    {
        var plan = ctx.Plan;
        var endpoint = member.EndPoint;
        var snatTries = plan.Translation == SourceTranslation.SnatPool ? plan.Snat!.Count : 1;
        uint snatStart = 0;
        for (var snatAttempt = 0; snatAttempt < snatTries; snatAttempt++)
        {
            var source = plan.Translation switch
            {
                SourceTranslation.SnatPool => new SourceBind(plan.Snat!.Next(ref snatStart, snatAttempt), Transparent: false),
                SourceTranslation.Transparent => new SourceBind(ctx.ClientEndPoint.Address, Transparent: true),
                _ => SourceBind.None,
            };
            try
            {
                var socket = await _transport.ConnectAsync(endpoint, source, plan.ConnectTimeoutMs, plan.ServerTcp).ConfigureAwait(false);
                var memberCounters = _counters.Member(member);
                socket.Meter(receiveIsIn: false, memberCounters, ctx.PoolCounters);
                var side = new ProxySide(socket, plan.ServerBufferSize, zeroByteReads: false);
                member.ConnectionOpened();
                memberCounters.Opened();
                ctx.PoolCounters?.Opened();
                // A rule node past the shared cap is private to this client: its connection is not kept for others.
                var connection = new ServerConnection(side, member, memberCounters, ctx.PoolCounters, member.Poolable ? reuseKey : null)
                {
                    TlsIdentity = plan.Runtime.ServerSsl is null ? "" : Tls.ServerTlsMaterial.IdentityOf(ctx),
                };
                if (plan.SendProxyProtocol != ProxyProtocolVersion.None)
                {
                    Span<byte> header = stackalloc byte[ProxyProtocolWriter.MaxLength];
                    var n = ProxyProtocolWriter.Write(plan.SendProxyProtocol, ctx.ClientEndPoint, ctx.LocalEndPoint, header);
                    // On the transport, under any TLS layer, with the first request bytes (one packet); the L4 pump
                    // flushes it before its first copy.
                    side.SetPreamble(header[..n]);
                }
                if (plan.Runtime.ServerSsl is not null && !await Tls.ServerSslLayer.HandshakeAsync(ctx, side, _logger).ConfigureAwait(false))
                {
                    connection.Close(abort: true);
                    return (null, TerminationCause.ConnectRefused);
                }
                return (connection, TerminationCause.None);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressAlreadyInUse && plan.Translation == SourceTranslation.SnatPool)
            {
                if (snatAttempt == snatTries - 1)
                {
                    _counters.SnatExhaustedOnce();
                    DataPlaneLog.SnatExhausted(_logger, plan.Name, member.Key);
                    return (null, TerminationCause.Resource);
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
                return (null, TerminationCause.ConnectTimeout);
            }
            catch (SocketException)
            {
                return (null, TerminationCause.ConnectRefused);
            }
            catch (TransparentModeException ex)
            {
                DataPlaneLog.TransparentRefused(_logger, plan.Name, ex.Message);
                return (null, TerminationCause.Resource);
            }
        }
        return (null, TerminationCause.Resource);
    }
}
