using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Sits between SslStream and the transport stream and looks once at the server's first flight with
/// <see cref="ServerHelloInspector"/>: the first write when the proxy is the TLS server (client-ssl), the first read
/// when it is the client (server-ssl, where SslStream reads the member's whole flight in one go); then everything
/// passes straight through.
/// </summary>
internal sealed class HandshakeObserverStream : LoopStream
{
    private readonly Stream _inner;
    private readonly bool _observeReads;
    private bool _seen;

    public HandshakeObserverStream(Stream inner, bool observeReads = false)
    {
        _inner = inner;
        _observeReads = observeReads;
    }

    /// <summary>Whether the server's first flight resumed a session.</summary>
    public bool Resumed { get; private set; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _observeReads && !_seen ? ObserveReadAsync(buffer, cancellationToken) : _inner.ReadAsync(buffer, cancellationToken);

    private async ValueTask<int> ObserveReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            _seen = true;
            Resumed = ServerHelloInspector.IsResumption(buffer.Span[..n]);
        }
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_observeReads && !_seen)
        {
            _seen = true;
            Resumed = ServerHelloInspector.IsResumption(buffer.Span);
        }
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);
}
