using System.Buffers;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Rules;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// One direction of an L4 full proxy; the connection runs two. While bytes flow it holds a ring of the source side's
/// proxyBufferHigh bytes and reads into it while the destination takes what was read; at proxyBufferHigh held it
/// stops reading (a slow receiver holds the sender back, and the proxy's memory per connection stays bounded), and it
/// reads again once at most proxyBufferLow remain, so the sender is woken for a batch rather than for every segment
/// the receiver takes. An idle direction holds no ring: it waits with a zero-byte read and rents the ring when data is
/// there. A FIN from the source becomes a FIN to the destination, after every held byte, and the other direction goes
/// on (half-close).
/// When a rule holds this direction (<c>ctx.tcp.collect</c>) the channel first runs the holds (<see cref="TcpCollector"/>),
/// one data event per hold; once the rule stops collecting it pumps as any channel, with no rule call per chunk.
/// </summary>
public sealed class Channel : IValueTaskSource<bool>
{
    /// <summary>The most a rule's hold reads at once (what it holds is bounded by its collect length, not by this).</summary>
    private const int HoldBufferMax = 256 << 10;

    private readonly ProxySide _from;
    private readonly SideWriter _to;
    private readonly SideWriter _back;
    private readonly ProxyContext _ctx;
    private readonly bool _isRequest;
    private readonly RuleSession? _holding;
    private readonly TcpCollector? _carried;
    private volatile bool _stopped;

    // The pump's ring: _in is advanced by the reader only, _out by the writer only (the pump's own write or its drain);
    // _draining is the writer's turn, _parked the reader waiting for the held bytes to fall to _parkAt.
    private ProxyBufferMarks _marks;
    private TcpSideTelemetry? _telemetry;
    private byte[]? _ring;
    private long _in, _out, _parkAt;
    private int _draining, _parked;
    private volatile bool _writeFailed;
    private Task? _drain;
    private ManualResetValueTaskSourceCore<bool> _resume;

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

    public async Task RunAsync(ProxyBufferMarks marks, TcpSideTelemetry telemetry)
    {
        _marks = marks;
        _telemetry = telemetry;
        try
        {
            if (_holding is { } rules)
            {
                var holdBuffer = ArrayPool<byte>.Shared.Rent(Math.Min(marks.High, HoldBufferMax));
                try
                {
                    if (!await HoldAsync(rules, holdBuffer).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(holdBuffer);
                }
            }
            await PumpAsync().ConfigureAwait(false);
        }
        finally
        {
            // A write still out on the ring (the destination broke, or a rule ended the connection) ends with the
            // sockets' abort; only then can the ring go back to the pool.
            if (_drain is { IsCompleted: false } drain)
            {
                await drain.ConfigureAwait(false);
            }
            if (_ring is not null)
            {
                ArrayPool<byte>.Shared.Return(_ring);
                _ring = null;
            }
        }
    }

    /// <summary>
    /// The pump: reads into a ring of proxyBufferHigh bytes while the destination takes what was read. A write that
    /// completes at once (the kernel took it all) costs nothing more; one that waits hands the rest to a drain that
    /// runs beside the reads until the ring is empty. At High bytes held the reads stop; the drain starts them again
    /// once at most Low remain. An idle direction holds no ring: it waits with a zero-byte read.
    /// </summary>
    private async ValueTask PumpAsync()
    {
        var idle = _ctx.Plan.IdleTimeoutMs;
        var high = _marks.High;
        var drained = true;
        while (true)
        {
            int n;
            int free;
            try
            {
                if (drained && _ring is not null && Volatile.Read(ref _draining) == 0)
                {
                    // The last read drained the socket and everything was written: the next read would wait, so the
                    // ring goes back to the pool for that time. A stream that keeps the ring busy keeps it.
                    ArrayPool<byte>.Shared.Return(_ring);
                    _ring = null;
                }
                if (_ring is null)
                {
                    await _from.Stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                    _ring = ArrayPool<byte>.Shared.Rent(high);
                }
                var held = _in - Volatile.Read(ref _out);
                if (held >= high)
                {
                    _telemetry!.BufferPaused();
                    if (!await ParkAsync(_marks.Low).ConfigureAwait(false))
                    {
                        return; // the drain failed and ended the connection
                    }
                    _telemetry.BufferResumed();
                    held = _in - Volatile.Read(ref _out);
                }
                var at = (int)(_in % high);
                free = (int)Math.Min(high - held, high - at);
                n = await _from.Stream.ReadAsync(_ring.AsMemory(at, free)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                if (!_writeFailed)
                {
                    Fail(readSide: true);
                }
                return;
            }
            if (n == 0)
            {
                State = ChannelState.ReadClosed;
                // Everything read is written before the FIN goes.
                if (!await ParkAsync(0).ConfigureAwait(false))
                {
                    return;
                }
                await _to.ShutdownSendAsync().ConfigureAwait(false);
                State = ChannelState.Done;
                return;
            }
            Volatile.Write(ref _in, _in + n);
            Bytes += n;
            drained = n < free;
            _ctx.SetDeadline(idle, TerminationCause.ClientTimeout);
            if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                WriteHeld();
            }
            if (_writeFailed)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Writes what the ring holds while the writes complete at once; the first that waits becomes a drain task. Runs
    /// with <see cref="_draining"/> taken, and leaves it taken only while that task runs.
    /// </summary>
    private void WriteHeld()
    {
        while (true)
        {
            var length = NextChunk(out var at);
            if (length == 0)
            {
                if (ReleaseDrain())
                {
                    return;
                }
                continue;
            }
            ValueTask write;
            try
            {
                write = _to.WriteAsync(_ring.AsMemory(at, length));
                if (!write.IsCompleted)
                {
                    _drain = DrainAsync(write, length);
                    return;
                }
                write.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                WriteFailed();
                return;
            }
            Wrote(length);
        }
    }

    /// <summary>The rest of a backlog, beside the reads: ends when the ring is empty (or the destination broke).</summary>
    private async Task DrainAsync(ValueTask pending, int length)
    {
        try
        {
            await pending.ConfigureAwait(false);
            Wrote(length);
            while (true)
            {
                length = NextChunk(out var at);
                if (length == 0)
                {
                    if (ReleaseDrain())
                    {
                        return;
                    }
                    continue;
                }
                await _to.WriteAsync(_ring.AsMemory(at, length)).ConfigureAwait(false);
                Wrote(length);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            WriteFailed();
        }
    }

    /// <summary>
    /// The held bytes from the oldest on, up to the end of the ring (the rest, after the wrap, comes next), at most
    /// High − Low at a time: a write completes only when the destination took all of it, so a larger one would let the
    /// held count fall from High to nothing in one step and the reader would wake only on an empty ring, whatever Low says.
    /// </summary>
    private int NextChunk(out int at)
    {
        var high = _marks.High;
        var held = Volatile.Read(ref _in) - _out;
        at = (int)(_out % high);
        return (int)Math.Min(Math.Min(held, high - at), high - _marks.Low);
    }

    private void Wrote(int length)
    {
        var written = _out + length;
        Volatile.Write(ref _out, written);
        if (Volatile.Read(ref _parked) == 1 && Volatile.Read(ref _in) - written <= _parkAt && Interlocked.Exchange(ref _parked, 0) == 1)
        {
            _resume.SetResult(true);
        }
    }

    /// <summary>Gives the writer's turn back when the ring is empty; false when bytes came in meanwhile and the turn was taken again.</summary>
    private bool ReleaseDrain()
    {
        Volatile.Write(ref _draining, 0);
        return Volatile.Read(ref _in) == _out || Interlocked.CompareExchange(ref _draining, 1, 0) != 0;
    }

    private void WriteFailed()
    {
        _writeFailed = true;
        Fail(readSide: false);
        if (Interlocked.Exchange(ref _parked, 0) == 1)
        {
            _resume.SetResult(false);
        }
    }

    /// <summary>Waits until at most <paramref name="threshold"/> bytes are held; false when the destination broke first.</summary>
    private ValueTask<bool> ParkAsync(long threshold)
    {
        if (_writeFailed)
        {
            return new ValueTask<bool>(false);
        }
        if (_in - Volatile.Read(ref _out) <= threshold)
        {
            return new ValueTask<bool>(true);
        }
        _resume.Reset();
        _parkAt = threshold;
        Volatile.Write(ref _parked, 1);
        // The drain may have passed the threshold (or failed) between the check and the flag: take the flag back then.
        if ((_in - Volatile.Read(ref _out) <= threshold || _writeFailed) && Interlocked.Exchange(ref _parked, 0) == 1)
        {
            return new ValueTask<bool>(!_writeFailed);
        }
        return new ValueTask<bool>(this, _resume.Version);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _resume.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _resume.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _resume.OnCompleted(continuation, state, token, flags);

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
