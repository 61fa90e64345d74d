using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Sits between SslStream and the transport stream: the first write (the server's first flight) is looked at once by
/// <see cref="ServerHelloInspector"/>, then everything passes straight through.
/// </summary>
internal sealed class HandshakeObserverStream : LoopStream
{
    private readonly Stream _inner;
    private bool _seen;

    public HandshakeObserverStream(Stream inner) => _inner = inner;

    /// <summary>Whether the server's first flight resumed a session.</summary>
    public bool Resumed { get; private set; }

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

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

}
