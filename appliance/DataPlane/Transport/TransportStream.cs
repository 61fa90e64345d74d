namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// A <see cref="TransportSocket"/> as a <see cref="Stream"/>, for the layers that speak streams (the pipe reader, a
/// TLS layer later). Only the Memory-based async paths exist: a synchronous read on an event loop would stall it.
/// </summary>
public sealed class TransportStream : Stream
{
    private readonly TransportSocket _socket;

    public TransportStream(TransportSocket socket) => _socket = socket;

    public TransportSocket Socket => _socket;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// A read that waits can be cancelled (the pipe reader's CancelPendingRead, used when an upload is abandoned): the
    /// token is only registered when the read did not complete at once.
    /// </summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }
        var pending = _socket.ReceiveAsync(buffer);
        return pending.IsCompleted || !cancellationToken.CanBeCanceled ? pending : CancellableAsync(pending, cancellationToken);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(Async.PooledValueTaskBuilder<>))]
    private async ValueTask<int> CancellableAsync(ValueTask<int> pending, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static s => ((TransportSocket)s!).CancelReceive(), _socket))
        {
            return await pending.ConfigureAwait(false);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _socket.SendAsync(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer.AsMemory(offset, count)).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _socket.SendAsync(buffer.AsMemory(offset, count)).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous reads would block an event loop");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes would block an event loop");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
        }
        base.Dispose(disposing);
    }
}
