using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// The byte streams at L4, one <see cref="TcpHold"/> per direction. <c>ctx.tcp</c> acts on the side of the event being
/// dispatched: the client's bytes in CLIENT_ACCEPTED / CLIENT_DATA, the server's in SERVER_CONNECTED / SERVER_DATA.
/// The proxy asks <see cref="Wanted"/> whether to hold a direction, reads, and calls <see cref="Inspect"/>; the reading
/// and writing are the L4 proxy's (<c>L4/TcpCollector</c>).
/// </summary>
public sealed partial class RuleSession : IRuleTcp
{
    // Both directions of an L4 connection can be held at once, each read by its own task; one event at a time runs
    // on a connection (the engine's rule), so the two data events take turns here. Only held bytes pass this gate.
    private readonly Lock _tcpGate = new();
    private readonly TcpHold _clientHold = new();
    private readonly TcpHold _serverHold = new();
    private bool _serverEvent;
    private bool _tcpEnded;

    private TcpHold Current => _serverEvent ? _serverHold : _clientHold;

    void IRuleTcp.Collect(int bytes, int timeoutMs)
    {
        var hold = Current;
        hold.Collect = bytes;
        hold.CollectTimeoutMs = timeoutMs;
    }

    public bool TimedOut => Current.TimedOut;

    public ReadOnlyMemory<byte> Payload => Current.Payload;

    public void ReplacePayload(ReadOnlyMemory<byte> payload)
    {
        var hold = Current;
        hold.Payload = payload.ToArray();
        hold.Replaced = true;
    }

    /// <summary>Sends to the peer of the event's side, as iRules' TCP::respond: the client in CLIENT_*, the server in SERVER_DATA.</summary>
    public void Respond(ReadOnlyMemory<byte> data) => (Current.Out ??= []).Add(data.ToArray());

    public void Release()
    {
        var hold = Current;
        hold.Released = true;
        hold.ReleasedBytes = -1;
    }

    /// <summary>The engine checked 0 ≤ n ≤ the payload's length; a later, shorter replacement releases all of it.</summary>
    public void Release(int bytes)
    {
        var hold = Current;
        hold.Released = true;
        hold.ReleasedBytes = bytes;
    }

    /// <summary>Points <c>ctx.tcp</c> at the side <paramref name="e"/> is about; called before every dispatch.</summary>
    private void SelectTcp(RuleEvent e) => _serverEvent = e is RuleEvent.ServerConnected or RuleEvent.ServerData;

    /// <summary>Bytes to hold from <paramref name="side"/> before its data event; 0: stream (no collect, or no handler for the event).</summary>
    internal int Wanted(TcpSide side)
    {
        var hold = side == TcpSide.Client ? _clientHold : _serverHold;
        return hold.Collect > 0 && Set.Handles(side == TcpSide.Client ? RuleEvent.ClientData : RuleEvent.ServerData) ? hold.Collect : 0;
    }

    /// <summary>How long the hold of <paramref name="side"/> waits for its bytes: the rule's timeoutMs, else the tcp profile's collectTimeout; 0: no limit but the idle timeout.</summary>
    internal long CollectTimeoutMs(TcpSide side)
    {
        var hold = side == TcpSide.Client ? _clientHold : _serverHold;
        return hold.CollectTimeoutMs > 0 ? hold.CollectTimeoutMs : _ctx.Plan.CollectTimeoutMs;
    }

    /// <summary>
    /// Runs CLIENT_DATA or SERVER_DATA on the bytes held from <paramref name="side"/>. The held bytes are released when
    /// the rule releases them, when it does not ask for more (a collect of no more than it holds), or when the source
    /// has closed (<paramref name="sourceClosed"/>). After a release a new collect holds the next bytes; without one the
    /// direction streams. On a close, bytes are passed on only if the rule released them explicitly. After the collect's
    /// wait ran out (<paramref name="timedOut"/>, <c>ctx.tcp.timedOut</c>) the event sees what arrived, possibly nothing;
    /// unless it collects again the bytes go on and the direction streams.
    /// </summary>
    internal TcpDecision Inspect(TcpSide side, ReadOnlyMemory<byte> held, bool sourceClosed, bool timedOut = false)
    {
        lock (_tcpGate)
        {
            if (_tcpEnded)
            {
                // The other direction's event already closed or reset the connection: nothing more runs.
                return new TcpDecision(ProxyEventStatus.Close, default, false, false, null);
            }
            var hold = side == TcpSide.Client ? _clientHold : _serverHold;
            hold.Payload = held;
            hold.Replaced = false;
            hold.Released = false;
            hold.ReleasedBytes = -1;
            hold.Collect = 0;
            hold.CollectTimeoutMs = 0;
            hold.TimedOut = timedOut;
            var status = Dispatch(side == TcpSide.Client ? RuleEvent.ClientData : RuleEvent.ServerData);
            hold.TimedOut = false;
            var payload = hold.Payload;
            hold.Payload = default;
            var output = hold.TakeOut();
            // release(n) of fewer bytes than the payload: those go on, the rest stays held.
            var kept = hold.Released && hold.ReleasedBytes >= 0 && hold.ReleasedBytes < payload.Length ? payload.Length - hold.ReleasedBytes : 0;
            if (status != ProxyEventStatus.Continue)
            {
                _tcpEnded = true;
                hold.Collect = 0;
                return new TcpDecision(status, hold.Released ? payload[..^kept] : default, hold.Released, hold.Replaced, output);
            }
            if (kept > 0 && !(sourceClosed && kept == payload.Length))
            {
                // The event runs again on the rest: at the collect count asked for in this event, else (and always
                // when nothing went on, so it cannot spin) once more bytes arrive. After a close, right away while it
                // makes progress; release(0) at a close falls through to the close's release below.
                var more = kept + 1;
                hold.Collect = hold.Collect <= 0 ? more : kept == payload.Length ? Math.Max(hold.Collect, more) : hold.Collect;
                return new TcpDecision(status, payload, true, hold.Replaced, output, kept);
            }
            var release = hold.Released || hold.Collect <= held.Length || sourceClosed;
            if (sourceClosed || (!hold.Released && hold.Collect <= held.Length))
            {
                hold.Collect = 0;
            }
            return new TcpDecision(status, payload, release, hold.Replaced, output);
        }
    }

    /// <summary>Sends what <c>ctx.tcp.respond</c> queued in CLIENT_ACCEPTED (before any reading); false when the client is gone.</summary>
    internal async ValueTask<bool> FlushTcpOutAsync()
    {
        if (_clientHold.TakeOut() is not { } queued)
        {
            return true;
        }
        try
        {
            foreach (var bytes in queued)
            {
                _ctx.Client.Append(bytes);
            }
            await _ctx.Client.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
