namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// A <see cref="TransportSocket"/> as a <see cref="Stream"/>, for the layers that speak streams (the pipe reader, a
/// TLS layer).
/// </summary>
public sealed class TransportStream : LoopStream
{
    private readonly TransportSocket _socket;

    public TransportStream(TransportSocket socket) => _socket = socket;

    public TransportSocket Socket => _socket;

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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
        }
        base.Dispose(disposing);
    }
}
