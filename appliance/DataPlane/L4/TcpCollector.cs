using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Rules;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// Holds one direction for the rules (<c>ctx.tcp.collect</c>): reads from the source until as many bytes as asked are
/// held (what one read brings may be more, as with iRules), or the source sends FIN, runs CLIENT_DATA / SERVER_DATA, and
/// sends what the rule responded back to the source. While the rule keeps asking for more without releasing, the
/// bytes (as the rule left them) stay held and reading goes on. Each wait for bytes is bounded by the collect timeout
/// (the rule's <c>{timeoutMs}</c>, else the tcp profile's <c>collectTimeout</c>; HAProxy's inspect-delay): when it runs
/// out the data event runs with what arrived, <c>ctx.tcp.timedOut</c> true. The idle timeout bounds everything.
/// </summary>
/// <remarks>
/// A timed wait never cancels the read (transports need not support it): the read goes into the collector's own
/// scratch buffer and stays out when the time is up (<see cref="ReadPending"/>). Its bytes then come first: added to
/// the hold if the rule collects again, else handed on by the next <see cref="NextAsync"/> as they are, before the
/// channel reads the source itself.
/// </remarks>
public sealed class TcpCollector
{
    /// <summary>A hold's wait when the tcp profile has no idle timeout: a rule waiting for bytes never waits forever.</summary>
    private const long DefaultWaitMs = 300_000;

    /// <summary>Reads during a timed wait land here first: a read left out after the wait belongs to this buffer alone.</summary>
    private const int ScratchSize = 16 * 1024;

    private readonly ProxyContext _ctx;
    private readonly RuleSession _rules;
    private readonly TcpSide _side;
    private readonly ProxySide _source;
    private SideWriter _back;
    private byte[] _buffer;
    // Held bytes are _buffer[_start.._start+_held]: after release(n) the rest starts past the bytes handed out, which
    // the caller writes before it asks for the next round (then they move to the front).
    private int _start;
    private int _held;
    private bool _closed;
    private CancellationTokenSource? _wait;
    private byte[]? _scratch;
    private Task<int>? _pending;

    /// <param name="back">Writer to the source side (where ctx.tcp.respond sends in this direction's events).</param>
    /// <param name="buffer">Where held bytes go; replaced by a bigger array when a hold needs more.</param>
    public TcpCollector(ProxyContext ctx, RuleSession rules, TcpSide side, ProxySide source, SideWriter back, byte[] buffer)
    {
        _ctx = ctx;
        _rules = rules;
        _side = side;
        _source = source;
        _back = back;
        _buffer = buffer;
    }

    /// <summary>The source sent FIN (or nothing more can be read) and nothing it sent is still held.</summary>
    public bool SourceClosed => _closed && _held == 0;

    /// <summary>Bytes still held after a <c>release(n)</c>, for the next round.</summary>
    public bool Holding => _held > 0;

    /// <summary>A read from a wait that ran out is still out: call <see cref="NextAsync"/> again before reading the source.</summary>
    public bool ReadPending => _pending is not null;

    /// <summary>The first client hold goes on in the connection's channel, whose writer back to the client is shared.</summary>
    public void Rebind(SideWriter back) => _back = back;

    /// <summary>
    /// Holds until the data event releases bytes or ends the connection. I/O errors on the source (reading, or sending
    /// the rule's respond bytes back) are thrown to the caller. An empty payload with <see cref="SourceClosed"/>: the
    /// source closed with nothing held, and no event ran.
    /// </summary>
    public async ValueTask<TcpRound> NextAsync()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _held).CopyTo(_buffer); // overlapping copies are safe with spans
            _start = 0;
        }
        while (true)
        {
            var want = _rules.Wanted(_side);
            var idle = _ctx.Plan.IdleTimeoutMs;
            _ctx.SetDeadline(idle > 0 ? idle : DefaultWaitMs, _side == TcpSide.Client ? TerminationCause.ClientTimeout : TerminationCause.ServerTimeout);
            if (want == 0 && _pending is { } left)
            {
                // The rule stopped holding while a read from a timed-out wait was out: its bytes go on first, unheld.
                _pending = null;
                var got = await left.ConfigureAwait(false);
                _closed = got == 0;
                return new TcpRound(ProxyEventStatus.Continue, got == 0 ? default : _scratch.AsMemory(0, got));
            }
            var timedOut = false;
            var waitMs = _held < want && !_closed ? _rules.CollectTimeoutMs(_side) : 0;
            Task? expiry = null;
            try
            {
                while (_held < want && !_closed)
                {
                    int n;
                    if (waitMs > 0 || _pending is not null)
                    {
                        var read = _pending ?? ReadScratch();
                        _pending = null;
                        if (!read.IsCompleted && waitMs > 0)
                        {
                            expiry ??= StartWait(waitMs);
                            var first = await Task.WhenAny(read, expiry).ConfigureAwait(false);
                            // A timer's thread may have woken us: the connection goes on on its event loop.
                            await _ctx.Client.Transport.ResumeOnLoopAsync().ConfigureAwait(false);
                            if (first != read)
                            {
                                // The wait ran out: the event decides on what arrived; the read stays out for later.
                                _pending = read;
                                _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                                timedOut = true;
                                break;
                            }
                        }
                        n = await read.ConfigureAwait(false);
                        if (n > 0)
                        {
                            HoldScratch(n);
                        }
                    }
                    else
                    {
                        if (_held == _buffer.Length)
                        {
                            Grow(Math.Max(want, _held * 2));
                        }
                        n = await _source.Stream.ReadAsync(_buffer.AsMemory(_held)).ConfigureAwait(false);
                        _held += n;
                    }
                    if (n == 0)
                    {
                        _closed = true;
                        break;
                    }
                }
            }
            finally
            {
                if (expiry is { IsCompleted: false })
                {
                    _wait!.Cancel(); // frees the timer; the next wait takes a new source
                }
            }
            if (_held == 0 && !timedOut)
            {
                return new TcpRound(ProxyEventStatus.Continue, default);
            }
            var decision = _rules.Inspect(_side, _buffer.AsMemory(0, _held), _closed, timedOut);
            if (decision.Output is { } output)
            {
                foreach (var bytes in output)
                {
                    await _back.WriteAsync(bytes).ConfigureAwait(false);
                }
            }
            if (decision.Kept > 0 && decision.Status == ProxyEventStatus.Continue)
            {
                var sent = decision.Payload.Length - decision.Kept;
                if (decision.Replaced)
                {
                    // The rest is in the rule's copy, not the buffer: the bytes handed out stay in that copy.
                    HoldCopyOf(decision.Payload.Span[sent..]);
                }
                else
                {
                    _start = sent;
                    _held = decision.Kept;
                }
                return new TcpRound(decision.Status, decision.Payload[..sent]);
            }
            if (decision.Status != ProxyEventStatus.Continue || decision.Release)
            {
                _held = 0;
                return new TcpRound(decision.Status, decision.Payload);
            }
            // Asked for more without releasing: keep the bytes as the rule left them (a replacement included) and read on.
            if (decision.Replaced)
            {
                HoldCopyOf(decision.Payload.Span);
            }
        }
    }

    /// <summary>A task that completes after <paramref name="ms"/> (the collect timeout); one token source per collector, renewed once cancelled.</summary>
    private Task StartWait(long ms)
    {
        if (_wait is null || !_wait.TryReset())
        {
            _wait?.Dispose();
            _wait = new CancellationTokenSource();
        }
        return Task.Delay(TimeSpan.FromMilliseconds(ms), _wait.Token);
    }

    /// <summary>One read of the source into the scratch buffer (never the hold buffer, which a late read must not touch).</summary>
    private Task<int> ReadScratch()
    {
        _scratch ??= new byte[ScratchSize];
        return _source.Stream.ReadAsync(_scratch.AsMemory()).AsTask();
    }

    private void HoldScratch(int n)
    {
        if (_held + n > _buffer.Length)
        {
            Grow(Math.Max(_held + n, _held * 2));
        }
        _scratch.AsSpan(0, n).CopyTo(_buffer.AsSpan(_held));
        _held += n;
    }

    /// <summary>Holds a copy of the rule's replacement bytes (never the buffer itself) in place of what was held.</summary>
    private void HoldCopyOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length)
        {
            _held = 0; // replaced: nothing of the old bytes needs carrying over
            Grow(bytes.Length);
        }
        bytes.CopyTo(_buffer);
        _held = bytes.Length;
    }

    private void Grow(int size)
    {
        // Bounded by what a rule may ask for (ctx.tcp.collect: at most 16 MiB) or hand back (within its memory limit).
        var bigger = new byte[Math.Max(size, 4096)];
        _buffer.AsSpan(0, _held).CopyTo(bigger);
        _buffer = bigger;
    }
}
