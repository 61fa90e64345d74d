using System.Buffers;
using System.IO.Pipelines;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// The pipe reader of a <see cref="ProxySide"/>: one contiguous pooled buffer over the side's stream (the transport,
/// or a TLS layer over it). Compared with <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/> it keeps no
/// segment chain, buffer segments, or cancellation source per connection, and it holds no buffer at all while nothing
/// is unread: the buffer is rented when bytes arrive (after a zero-byte read when asked) and goes back to the pool as
/// soon as the reader consumed everything. An idle keep-alive connection then costs its socket and this small object.
/// </summary>
/// <remarks>
/// Single reader: ReadAsync, TryRead, AdvanceTo and Complete come from the side's owning task, one at a time;
/// <see cref="CancelPendingRead"/> may come from another task or thread.
/// </remarks>
public sealed class SideReader : PipeReader
{
    /// <summary>Free space below which a read first makes room (compacts or grows) rather than reading a few bytes.</summary>
    private const int MinimumReadSize = 4096;

    private readonly Stream _stream;
    private readonly TransportSocket? _socket;
    private readonly int _bufferSize;
    private readonly bool _zeroByteReads;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    /// <summary>The last AdvanceTo examined everything: the next read must wait for new bytes.</summary>
    private bool _examinedAll;
    private bool _streamEnded;
    private bool _completed;
    private int _cancelPending;
    /// <summary>Only for layered streams (TLS), whose reads cancel by token; the transport cancels a receive directly.</summary>
    private CancellationTokenSource? _cancel;

    /// <param name="zeroByteReads">Wait for readability with a zero-byte read before renting a buffer (the client side).</param>
    public SideReader(Stream stream, int bufferSize, bool zeroByteReads)
    {
        _stream = stream;
        _socket = (stream as TransportStream)?.Socket;
        _bufferSize = Math.Max(bufferSize, MinimumReadSize);
        _zeroByteReads = zeroByteReads;
    }

    /// <summary>Unconsumed bytes held (0 when the side holds no buffer).</summary>
    public int Buffered => _end - _start;

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (Interlocked.Exchange(ref _cancelPending, 0) != 0)
        {
            result = new ReadResult(Sequence(), isCanceled: true, isCompleted: false);
            return true;
        }
        if (_end > _start && (!_examinedAll || _streamEnded))
        {
            result = new ReadResult(Sequence(), isCanceled: false, isCompleted: _streamEnded);
            return true;
        }
        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (TryRead(out var ready))
        {
            return new ValueTask<ReadResult>(ready);
        }
        if (_streamEnded)
        {
            return new ValueTask<ReadResult>(new ReadResult(Sequence(), isCanceled: false, isCompleted: true));
        }
        return FillAsync(cancellationToken);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(Async.PooledValueTaskBuilder<>))]
    private async ValueTask<ReadResult> FillAsync(CancellationToken cancellationToken)
    {
        var token = cancellationToken;
        if (_socket is null)
        {
            _cancel ??= new CancellationTokenSource();
            token = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancel.Token).Token : _cancel.Token;
        }
        try
        {
            if (_zeroByteReads && _end == _start)
            {
                await ReadStreamAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
            }
            var n = await ReadStreamAsync(MakeRoom(), token).ConfigureAwait(false);
            if (n == 0)
            {
                _streamEnded = true;
            }
            _end += n;
            _examinedAll = false;
            return new ReadResult(Sequence(), isCanceled: false, isCompleted: _streamEnded);
        }
        catch (OperationCanceledException) when (Interlocked.Exchange(ref _cancelPending, 0) != 0)
        {
            if (_cancel is { } cancel && !cancel.TryReset())
            {
                cancel.Dispose();
                _cancel = null;
            }
            return new ReadResult(Sequence(), isCanceled: true, isCompleted: false);
        }
        finally
        {
            ReturnIfDrained();
        }
    }

    private ValueTask<int> ReadStreamAsync(Memory<byte> into, CancellationToken token)
    {
        // The flag is checked right before the read starts: a CancelPendingRead after this point reaches the read
        // itself (the transport's receive, or the layered stream's token).
        if (Volatile.Read(ref _cancelPending) != 0)
        {
            return ValueTask.FromException<int>(new OperationCanceledException());
        }
        return _stream.ReadAsync(into, token);
    }

    /// <summary>Free space at the end of the buffer, renting, compacting or doubling it as needed.</summary>
    private Memory<byte> MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
            _start = _end = 0;
        }
        else if (_buffer.Length - _end < MinimumReadSize)
        {
            var held = _end - _start;
            if (_start > 0 && _buffer.Length - held >= MinimumReadSize)
            {
                _buffer.AsSpan(_start, held).CopyTo(_buffer);
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(_start, held).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            _start = 0;
            _end = held;
        }
        return _buffer.AsMemory(_end);
    }

    private ReadOnlySequence<byte> Sequence() =>
        _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_buffer is null || consumed.GetObject() is null)
        {
            return;
        }
        if (!ReferenceEquals(consumed.GetObject(), _buffer) || !ReferenceEquals(examined.GetObject(), _buffer))
        {
            throw new InvalidOperationException("the position is not from this reader's last read");
        }
        var c = consumed.GetInteger();
        var e = examined.GetInteger();
        if (c < _start || c > _end || e < c || e > _end)
        {
            throw new InvalidOperationException("the position is outside the unconsumed bytes");
        }
        _examinedAll = e == _end;
        _start = c;
        ReturnIfDrained();
    }

    /// <summary>Everything consumed: the buffer goes back to the pool until bytes arrive again.</summary>
    private void ReturnIfDrained()
    {
        if (_buffer is not null && _start == _end)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = 0;
        }
    }

    public override void CancelPendingRead()
    {
        Volatile.Write(ref _cancelPending, 1);
        if (_socket is not null)
        {
            _socket.CancelReceive();
        }
        else
        {
            try
            {
                _cancel?.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
        _start = _end = 0;
        _cancel?.Dispose();
        _cancel = null;
    }
}
