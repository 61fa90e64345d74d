using System.Buffers;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Rules;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// One direction of an L4 full proxy; the connection runs two. It holds one bounded buffer (half the tcp profile's
/// proxyBufferHigh) while bytes flow: it reads only when the previous chunk was written, so a slow receiver stops reads
/// from the sender and the proxy's memory per connection stays fixed (backpressure). An idle direction holds none: it
/// waits with a zero-byte read and rents the buffer when data is there. A FIN from the source becomes a FIN to the
/// destination and the other direction goes on (half-close).
/// When a rule holds this direction (<c>ctx.tcp.collect</c>) the channel first runs the holds (<see cref="TcpCollector"/>),
/// one data event per hold; once the rule stops collecting it pumps as any channel, with no rule call per chunk.
/// </summary>
public sealed class Channel
{
    private readonly ProxySide _from;
    private readonly SideWriter _to;
    private readonly SideWriter _back;
    private readonly ProxyContext _ctx;
    private readonly bool _isRequest;
    private readonly RuleSession? _holding;
    private readonly TcpCollector? _carried;
    private volatile bool _stopped;

    /// <param name="back">The writer to <paramref name="from"/> (the other channel's destination), where ctx.tcp.respond sends in this direction's events.</param>
    /// <param name="holding">The rules, when they hold this direction from the start; null: pump only.</param>
    /// <param name="carried">The first client hold, when <c>release(n)</c> left bytes in it: this channel goes on with them.</param>
    public Channel(ProxyContext ctx, ProxySide from, SideWriter to, SideWriter back, bool isRequest, RuleSession? holding, TcpCollector? carried = null)
    {
        _carried = carried;
        _ctx = ctx;
        _from = from;
        _to = to;
        _back = back;
        _isRequest = isRequest;
        _holding = holding;
    }

    public ChannelState State { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>The other direction of the same connection.</summary>
    public Channel? Peer { get; set; }

    /// <summary>A rule ended the connection from the other direction: this one's reads and writes now fail by design, not as a failure of either side.</summary>
    public void Stop() => _stopped = true;

    public async Task RunAsync(int bufferSize)
    {
        // Held only while bytes flow: an idle direction holds no buffer (see the end of the loop).
        byte[]? buffer = null;
        try
        {
            if (_holding is { } rules)
            {
                buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                if (!await HoldAsync(rules, buffer).ConfigureAwait(false))
                {
                    return;
                }
            }
            var idle = _ctx.Plan.IdleTimeoutMs;
            while (true)
            {
                int n;
                try
                {
                    if (buffer is null)
                    {
                        // Wait for data (or the end) with a zero-byte read, then take a buffer for it.
                        await _from.Stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                        buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                    }
                    n = await _from.Stream.ReadAsync(buffer.AsMemory(0, bufferSize)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    Fail(readSide: true);
                    return;
                }
                if (n == 0)
                {
                    State = ChannelState.ReadClosed;
                    await _to.ShutdownSendAsync().ConfigureAwait(false);
                    State = ChannelState.Done;
                    return;
                }
                _ctx.SetDeadline(idle, TerminationCause.ClientTimeout);
                try
                {
                    await _to.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    Fail(readSide: false);
                    return;
                }
                Bytes += n;
                if (n < bufferSize)
                {
                    // A short read drained the socket: the next read would wait, so the buffer goes back to the pool
                    // for that time. A stream that fills the buffer keeps it (no extra syscall on bulk transfers).
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Runs the rule's holds on this direction; true when the rule let it stream, false when the channel is done.</summary>
    private async ValueTask<bool> HoldAsync(RuleSession rules, byte[] buffer)
    {
        var side = _isRequest ? TcpSide.Client : TcpSide.Server;
        var collector = _carried ?? new TcpCollector(_ctx, rules, side, _from, _back, buffer);
        collector.Rebind(_back);
        try
        {
            while (true)
            {
                TcpRound round;
                try
                {
                    round = await collector.NextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    Fail(readSide: true);
                    return false;
                }
                if (_stopped)
                {
                    State = ChannelState.Done;
                    return false;
                }
                if (round.Status != ProxyEventStatus.Continue)
                {
                    await EndAsync(round).ConfigureAwait(false);
                    return false;
                }
                if (!round.Payload.IsEmpty)
                {
                    try
                    {
                        await _to.WriteAsync(round.Payload).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                    {
                        Fail(readSide: false);
                        return false;
                    }
                    Bytes += round.Payload.Length;
                }
                if (collector.SourceClosed)
                {
                    State = ChannelState.ReadClosed;
                    await _to.ShutdownSendAsync().ConfigureAwait(false);
                    State = ChannelState.Done;
                    return false;
                }
                if (rules.Wanted(side) == 0 && !collector.ReadPending)
                {
                    _ctx.SetDeadline(_ctx.Plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
                    return true;
                }
            }
        }
        finally
        {
            // This direction's events are over: nothing more is sent back to the source from here.
            _back.EndSharing();
        }
    }

    /// <summary>
    /// The rule closed or reset the connection in this direction's event. Close: bytes it released go on, then FIN to
    /// both sides, and the other direction's read is ended (it is reading this channel's destination). Reset: both aborted.
    /// </summary>
    private async ValueTask EndAsync(TcpRound round)
    {
        Peer?.Stop();
        State = ChannelState.Done;
        if (round.Status != ProxyEventStatus.Close)
        {
            _from.Abort();
            _to.Side.Abort();
            return;
        }
        try
        {
            if (!round.Payload.IsEmpty)
            {
                await _to.WriteAsync(round.Payload).ConfigureAwait(false);
            }
            await _to.ShutdownSendAsync().ConfigureAwait(false);
            await _back.ShutdownSendAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        _to.Side.Transport.ShutdownReceive();
    }

    private void Fail(bool readSide)
    {
        if (_stopped)
        {
            State = ChannelState.Done;
            return;
        }
        State = ChannelState.Failed;
        // Reading failed: the source side broke. Writing failed: the destination side broke.
        var clientBroke = readSide == _isRequest;
        _ctx.Fail(clientBroke ? TerminationCause.ClientClosed : TerminationCause.ServerClosed);
        _from.Abort();
        _to.Side.Abort();
    }
}
