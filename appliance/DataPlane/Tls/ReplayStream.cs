using System.Buffers;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A stream that first gives back bytes already read from <paramref name="inner"/> (the ClientHello, read to choose the
/// certificate), then reads <paramref name="inner"/>; writes go straight to it. The pooled buffer goes back once replayed.
/// </summary>
internal sealed class ReplayStream(Stream inner, byte[] replay, int length) : Stream
{
    private byte[]? _replay = replay;
    private int _offset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_replay is not { } replay)
        {
            return inner.ReadAsync(buffer, cancellationToken);
        }
        var n = Math.Min(buffer.Length, length - _offset);
        replay.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        if (_offset == length)
        {
            _replay = null;
            ArrayPool<byte>.Shared.Return(replay);
        }
        return new ValueTask<int>(n);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous reads would block an event loop");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes would block an event loop");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _replay is { } replay)
        {
            _replay = null;
            ArrayPool<byte>.Shared.Return(replay);
        }
        base.Dispose(disposing);
    }
}
