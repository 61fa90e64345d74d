namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// The Stream surface every data-plane stream shares: asynchronous reads and writes over memory only, since a
/// synchronous call would block an event loop; no seeking, no length. Subclasses give the two memory overloads (and a
/// flush when they buffer); the array overloads route to them.
/// </summary>
public abstract class LoopStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous reads would block an event loop");

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes would block an event loop");

    public sealed override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
