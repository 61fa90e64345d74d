namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Sits between SslStream and the transport stream: the first write (the server's first flight) is looked at once by
/// <see cref="ServerHelloInspector"/>, then everything passes straight through.
/// </summary>
internal sealed class HandshakeObserverStream : Stream
{
    private readonly Stream _inner;
    private bool _seen;

    public HandshakeObserverStream(Stream inner) => _inner = inner;

    /// <summary>Whether the server's first flight resumed a session.</summary>
    public bool Resumed { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_seen)
        {
            _seen = true;
            Resumed = ServerHelloInspector.IsResumption(buffer.Span);
        }
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous reads would block an event loop");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("synchronous writes would block an event loop");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
