using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// The L4 full proxy (a virtual without an http profile): connect a member, then two <see cref="Channel"/>s copy
/// bytes each way until both have seen a FIN, or one breaks. A connect that fails after every allowed reselect resets
/// the client (linger 0), as LTM does.
/// </summary>
public sealed class TcpProxy
{
    private readonly ServerConnector _connector;
    private readonly DataPlaneCounters _counters;

    public TcpProxy(ServerConnector connector, DataPlaneCounters counters)
    {
        _connector = connector;
        _counters = counters;
    }

    public async Task RunAsync(ProxyContext ctx)
    {
        if (ctx.Rules is { } rules && !await rules.CollectClientAsync().ConfigureAwait(false))
        {
            await Rules.RuleOutcome.EndAsync(ctx, rules.Verdict == Rules.RuleVerdict.Close ? ProxyEventStatus.Close : ProxyEventStatus.Reset).ConfigureAwait(false);
            return;
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
            if (ctx.Rules?.ClientPayload is { IsEmpty: false } held)
            {
                server.Side.Append(held.Span); // the first bytes a rule collected and released
            }
            await server.Side.FlushAsync().ConfigureAwait(false); // a PROXY header, if the profile sends one
            ctx.SetDeadline(ctx.Plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
            var up = new Channel(ctx, ctx.Client, server.Side, isRequest: true);
            var down = new Channel(ctx, server.Side, ctx.Client, isRequest: false);
            var size = ctx.Plan.L4BufferSize;
            var upTask = up.RunAsync(size);
            var downTask = down.RunAsync(size);
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
            if (ctx.Rules is { } r)
            {
                r.Dispatch(Scripting.Events.RuleEvent.ServerClosed);
            }
        }
    }
}
