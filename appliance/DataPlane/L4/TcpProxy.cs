using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Rules;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// The L4 full proxy (a virtual without an http profile): connect a member, then two <see cref="Channel"/>s copy
/// bytes each way until both have seen a FIN, or one breaks. A connect that fails after every allowed reselect resets
/// the client (linger 0), as LTM does.
/// Rules: a client hold asked for in CLIENT_ACCEPTED runs before any member is picked (CLIENT_DATA may choose the pool);
/// a server hold asked for in SERVER_CONNECTED, and any hold asked for again after a release, runs in its channel while
/// the other direction flows, so a server that speaks first (SMTP, SSH, MySQL greetings) is held without waiting on the
/// client.
/// </summary>
public sealed class TcpProxy : Pipeline.Layers.IConnectionProtocol
{
    private const int FirstHoldBuffer = 64 << 10;

    private readonly ServerConnector _connector;
    private readonly DataPlaneCounters _counters;

    private readonly IProxyEventSink _events;

    public TcpProxy(ServerConnector connector, DataPlaneCounters counters, IProxyEventSink events)
    {
        _events = events;
        _connector = connector;
        _counters = counters;
    }

    public async Task RunAsync(ProxyContext ctx)
    {
        var rules = ctx.Rules;
        var first = ReadOnlyMemory<byte>.Empty;
        TcpCollector? firstHold = null;
        if (rules is not null)
        {
            if (!await rules.FlushTcpOutAsync().ConfigureAwait(false))
            {
                await RuleOutcome.EndAsync(ctx, ProxyEventStatus.Reset).ConfigureAwait(false);
                return;
            }
            if (rules.Wanted(TcpSide.Client) is > 0 and var want)
            {
                var hold = new TcpCollector(ctx, rules, TcpSide.Client, ctx.Client, new SideWriter(ctx.Client, shared: false), new byte[Math.Clamp(want, 4096, FirstHoldBuffer)]);
                TcpRound round;
                try
                {
                    round = await hold.NextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    ctx.Fail(TerminationCause.ClientClosed);
                    ctx.Client.Abort();
                    return;
                }
                ctx.ClearDeadline();
                if (round.Status != ProxyEventStatus.Continue)
                {
                    // No member is connected yet: bytes released with the close have nowhere to go.
                    await RuleOutcome.EndAsync(ctx, round.Status).ConfigureAwait(false);
                    return;
                }
                first = round.Payload;
                // release(n) kept the rest, or a read from a timed-out wait is still out: the client channel goes on with it.
                firstHold = hold.Holding || hold.ReadPending ? hold : null;
            }
        }
        ctx.SetDeadline(ctx.Plan.ConnectTimeoutMs * 2 + 1000, TerminationCause.ConnectTimeout);
        var result = await _connector.ConnectAsync(ctx, reuseKey: null).ConfigureAwait(false);
        if (result.Connection is not { } server)
        {
            ctx.Fail(result.Failure);
            ctx.Client.Abort();
            return;
        }
        ctx.Server = server.Side;
        ctx.Balancing.Watch(server.Member);
        var memberCounters = server.MemberCounters;
        try
        {
            if (rules is { Verdict: RuleVerdict.Close or RuleVerdict.Reset })
            {
                // SERVER_CONNECTED closed or reset (every earlier decision ended the connection before the connect).
                if (rules.Verdict == RuleVerdict.Reset)
                {
                    server.Side.Abort();
                }
                await RuleOutcome.EndAsync(ctx, rules.Verdict == RuleVerdict.Close ? ProxyEventStatus.Close : ProxyEventStatus.Reset).ConfigureAwait(false);
                return;
            }
            if (!first.IsEmpty)
            {
                server.Side.Append(first.Span); // the first bytes a rule collected and released
            }
            await server.Side.FlushAsync().ConfigureAwait(false); // a PROXY header, if the profile sends one
            ctx.SetDeadline(ctx.Plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
            var clientHeld = rules is not null && (rules.Wanted(TcpSide.Client) > 0 || firstHold is not null);
            var serverHeld = rules is not null && rules.Wanted(TcpSide.Server) > 0;
            // A held direction's respond writes to its source side, which the other channel writes to as well.
            var toClient = new SideWriter(ctx.Client, shared: clientHeld);
            var toServer = new SideWriter(server.Side, shared: serverHeld);
            var up = new Channel(ctx, ctx.Client, toServer, toClient, isRequest: true, clientHeld ? rules : null, firstHold);
            var down = new Channel(ctx, server.Side, toClient, toServer, isRequest: false, serverHeld ? rules : null);
            up.Peer = down;
            down.Peer = up;
            var upTask = up.RunAsync(ctx.Plan.ClientBuffer, ctx.Plan.ClientTcp.Telemetry);
            var downTask = down.RunAsync(ctx.Plan.ServerBuffer, ctx.Plan.ServerTcp.Telemetry);
            await Task.WhenAll(upTask, downTask).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            ctx.Fail(TerminationCause.ServerClosed);
        }
        finally
        {
            var cause = ctx.Cause;
            if (cause is TerminationCause.ServerClosed or TerminationCause.ServerTimeout)
            {
                memberCounters.Error(cause);
            }
            ctx.Balancing.Dispose();
            server.Close(abort: cause != TerminationCause.None);
            ctx.Server = null;
            if (_events.IsActive(ctx))
            {
                await _events.OnEventAsync(ProxyEvent.ServerClosed, ctx).ConfigureAwait(false);
            }
        }
    }
}
