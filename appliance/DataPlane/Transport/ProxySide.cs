using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// One side (client or server) of a full-proxy connection: the transport socket, the stream the protocol layer talks
/// to (the socket's own stream today; an SslStream over it once TLS lands), a lazily made <see cref="SideReader"/>, and a
/// small output buffer so a head and a short body leave in one send.
/// </summary>
public sealed class ProxySide : IDisposable
{
    /// <summary>Output coalescing buffer; bigger writes go straight to the stream.</summary>
    public const int OutputBufferSize = 16 * 1024;

    private readonly int _readBufferSize;
    private readonly bool _zeroByteReads;
    private SideReader? _reader;
    private byte[]? _out;
    private int _outCount;
    private int _disposed;
    private byte[]? _preamble;
    private int _preambleLength;

    /// <param name="zeroByteReads">
    /// Wait for data before taking a buffer: an idle connection then holds none, at the cost of one more syscall per
    /// read. Worth it on the client side (thousands of idle keep-alive clients); not on the server side.
    /// </param>
    public ProxySide(TransportSocket transport, int readBufferSize, bool zeroByteReads)
    {
        Transport = transport;
        Stream = new TransportStream(transport);
        _readBufferSize = readBufferSize;
        _zeroByteReads = zeroByteReads;
    }

    /// <summary>The connection under every layer: PROXY headers, socket options and liveness looks go here, never through TLS.</summary>
    public TransportSocket Transport { get; }

    /// <summary>The stream the protocol reads and writes; replaced by a layer (TLS) before the first read.</summary>
    public Stream Stream { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public PipeReader Reader => _reader ??= new SideReader(Stream, _readBufferSize, _zeroByteReads);

    /// <summary>Unconsumed bytes the side's reader holds (0 before the first read).</summary>
    public int ReadBuffered => _reader is SideReader r ? r.Buffered : 0;

    /// <summary>Puts a layer (TLS) over the current stream; only before the first read or write, and after the preamble went out (<see cref="SendPreambleAsync"/>).</summary>
    public void Wrap(Stream layered)
    {
        if (_reader is not null)
        {
            throw new InvalidOperationException("a layer must be added before the side is read");
        }
        if (_preamble is not null)
        {
            throw new InvalidOperationException("the PROXY header goes out below the layer: send it before wrapping");
        }
        Stream = layered;
    }

    /// <summary>Whether a layer (TLS) sits over the transport.</summary>
    public bool IsLayered => Stream is not TransportStream;

    /// <summary>
    /// Bytes that must reach the peer before anything a layer writes, on the transport itself (the PROXY header toward
    /// a member: never through TLS). Without a layer they leave with the first flush, in the same send.
    /// </summary>
    public void SetPreamble(ReadOnlySpan<byte> bytes)
    {
        _preamble = bytes.ToArray();
        _preambleLength = bytes.Length;
    }

    /// <summary>Sends the preamble alone, on the transport (before a layer's handshake).</summary>
    public async ValueTask SendPreambleAsync()
    {
        if (_preamble is { } preamble)
        {
            _preamble = null;
            await Transport.SendAsync(preamble.AsMemory(0, _preambleLength)).ConfigureAwait(false);
        }
    }

    public int Buffered => _outCount;

    /// <summary>A span of at least <paramref name="size"/> bytes in the output buffer; call <see cref="Advance"/> after writing.</summary>
    public Span<byte> GetSpan(int size)
    {
        _out ??= ArrayPool<byte>.Shared.Rent(Math.Max(OutputBufferSize, size));
        if (_out.Length - _outCount < size)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_outCount + size);
            _out.AsSpan(0, _outCount).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_out);
            _out = bigger;
        }
        return _out.AsSpan(_outCount);
    }

    public void Advance(int count) => _outCount += count;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _outCount += bytes.Length;
    }

    /// <summary>Writes a body piece: copied behind the buffered head when it fits, else the buffer is sent and the piece goes straight out.</summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder))]
    public async ValueTask WriteAsync(ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_outCount + data.Length <= OutputBufferSize)
        {
            var span = GetSpan((int)data.Length);
            data.CopyTo(span);
            _outCount += (int)data.Length;
            return;
        }
        await FlushAsync().ConfigureAwait(false);
        foreach (var segment in data)
        {
            await Stream.WriteAsync(segment).ConfigureAwait(false);
        }
    }

    /// <summary>Sends what is buffered and gives the buffer back to the pool (idle connections hold none).</summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder))]
    public async ValueTask FlushAsync()
    {
        var buffer = _out;
        if (_preamble is { } preamble)
        {
            if (IsLayered || buffer is null)
            {
                await SendPreambleAsync().ConfigureAwait(false);
            }
            else
            {
                // One gathered send: the PROXY header and the first request bytes in one packet, on the transport.
                _preamble = null;
                _out = null;
                var n = _outCount;
                _outCount = 0;
                try
                {
                    await Transport.SendAsync(preamble.AsMemory(0, _preambleLength), buffer.AsMemory(0, n)).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                return;
            }
        }
        if (buffer is null)
        {
            return;
        }
        var count = _outCount;
        _out = null;
        _outCount = 0;
        try
        {
            if (count > 0)
            {
                await Stream.WriteAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Drops anything buffered and not sent.</summary>
    public void DiscardOutput()
    {
        if (_out is not null)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = null;
            _outCount = 0;
        }
    }

    /// <summary>
    /// Half-close: sends FIN; the other direction stays open. Under TLS the close_notify alert goes first: a peer that
    /// reads a bare FIN sees a truncated session, and OpenSSL-based clients then drop the session instead of resuming it.
    /// </summary>
    public void ShutdownSend()
    {
        if (Stream is System.Net.Security.SslStream ssl && Interlocked.Exchange(ref _tlsClosed, 1) == 0)
        {
            Task pending;
            try
            {
                pending = ssl.ShutdownAsync();
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                Transport.ShutdownSend();
                return;
            }
            if (pending.IsCompleted)
            {
                // The alert went out at once (sends are tried inline): FIN right behind it, in order.
                _ = pending.Exception;
                Transport.ShutdownSend();
                return;
            }
            _ = FinAfterAsync(pending);
            return;
        }
        Transport.ShutdownSend();
    }

    private int _tlsClosed;

    private async Task FinAfterAsync(Task closeNotify)
    {
        try
        {
            await closeNotify.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
        Transport.ShutdownSend();
    }

    /// <summary>Closes the socket with a reset (linger 0): used for timeouts and errors, so the peer sees the abort.</summary>
    public void Abort()
    {
        if (_finOnAbort)
        {
            // A timeout closes this side with FIN (tcp profile resetOnTimeout false): the FIN goes before the close,
            // so the peer reads an end of stream even where disposing under a pending read resets (System.Net.Sockets).
            Transport.ShutdownSend();
            Dispose();
            return;
        }
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Transport.Abort();
        Stream.Dispose();
    }

    /// <summary>
    /// A timeout's close without a reset (tcp profile resetOnTimeout false): FIN now, a waiting read returns 0, and the
    /// aborts that the protocol's clean-up makes afterwards close this side gracefully too.
    /// </summary>
    public void CloseWithFin()
    {
        PreferFin();
        Transport.ShutdownSend();
        Transport.ShutdownReceive();
    }

    /// <summary>Marks this side so any later <see cref="Abort"/> closes it with FIN (set before the other side is reset).</summary>
    public void PreferFin() => _finOnAbort = true;

    private volatile bool _finOnAbort;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Transport.Dispose();
        Stream.Dispose();
        // The reader and the output buffer belong to the connection's task, which may still be inside a read or a
        // write that fails because of this dispose; that task returns them (see ReleaseBuffers).
    }

    /// <summary>Returns the pipe's and output's pooled memory; called by the owning task when it is done with the side.</summary>
    public void ReleaseBuffers()
    {
        DiscardOutput();
        if (_reader is not null)
        {
            try
            {
                _reader.Complete();
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
