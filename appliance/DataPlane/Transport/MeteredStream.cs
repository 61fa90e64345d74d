using System.Runtime.CompilerServices;
using System.Net.Sockets;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// The socket's <see cref="NetworkStream"/> with byte counting. It sits directly on the socket, under any TLS layer,
/// so counters show wire bytes as LTM's do. Only the Memory-based async paths are used by the proxy; they complete
/// through the socket's cached awaitable event args (no Task per operation).
/// </summary>
public sealed class MeteredStream : Stream
{
    private readonly NetworkStream _inner;
    private readonly TrafficCounters? _readA;
    private readonly TrafficCounters? _readB;
    private readonly bool _readIsIn;

    /// <param name="readIsIn">True on the client side (reads are request bytes), false on the server side.</param>
    public MeteredStream(NetworkStream inner, bool readIsIn, TrafficCounters? a, TrafficCounters? b = null)
    {
        _inner = inner;
        _readIsIn = readIsIn;
        _readA = a;
        _readB = b;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            Count(n, _readIsIn);
        }
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count(buffer.Length, !_readIsIn);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    private void Count(int n, bool isIn)
    {
        if (isIn)
        {
            _readA?.AddIn(n);
            _readB?.AddIn(n);
        }
        else
        {
            _readA?.AddOut(n);
            _readB?.AddOut(n);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = _inner.Read(buffer, offset, count);
        Count(n, _readIsIn);
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Count(count, !_readIsIn);
        _inner.Write(buffer, offset, count);
    }

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
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
