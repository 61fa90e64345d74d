using System.Buffers;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A stream that first gives back bytes already read from <paramref name="inner"/> (the ClientHello, read to choose the
/// certificate), then reads <paramref name="inner"/>; writes go straight to it. The pooled buffer goes back once replayed.
/// </summary>
internal sealed class ReplayStream(Stream inner, byte[] replay, int length) : LoopStream
{
    private byte[]? _replay = replay;
    private int _offset;

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

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

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
