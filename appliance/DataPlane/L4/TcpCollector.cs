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
public sealed class TcpCollector
{
    /// <summary>A hold's wait when the tcp profile has no idle timeout: a rule waiting for bytes never waits forever.</summary>
    private const long DefaultWaitMs = 300_000;

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
            var timedOut = false;
            var waitMs = _held < want && !_closed ? _rules.CollectTimeoutMs(_side) : 0;
            var token = waitMs > 0 ? StartWait(waitMs) : default;
            try
            {
                while (_held < want && !_closed)
                {
                    if (_held == _buffer.Length)
                    {
                        Grow(Math.Max(want, _held * 2));
                    }
                    int n;
                    try
                    {
                        n = await _source.Stream.ReadAsync(_buffer.AsMemory(_held), token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        // The wait ran out: the event decides on what arrived (the socket stays usable).
                        timedOut = true;
                        break;
                    }
                    if (n == 0)
                    {
                        _closed = true;
                        break;
                    }
                    _held += n;
                }
            }
            finally
            {
                if (waitMs > 0)
                {
                    _wait!.CancelAfter(Timeout.Infinite);
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

    /// <summary>A token cancelled after <paramref name="ms"/>; one source per collector, reset between waits.</summary>
    private CancellationToken StartWait(long ms)
    {
        if (_wait is null || !_wait.TryReset())
        {
            _wait?.Dispose();
            _wait = new CancellationTokenSource();
        }
        _wait.CancelAfter(TimeSpan.FromMilliseconds(ms));
        return _wait.Token;
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
