using System.Buffers;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// One direction of an L4 full proxy; the connection runs two. It holds one bounded buffer (half the tcp profile's
/// proxyBufferHigh): it reads only when the previous chunk was written, so a slow receiver stops reads from the sender
/// and the proxy's memory per connection stays fixed (backpressure). A FIN from the source becomes a FIN to the
/// destination and the other direction goes on (half-close).
/// </summary>
public sealed class Channel
{
    private readonly ProxySide _from;
    private readonly ProxySide _to;
    private readonly ProxyContext _ctx;
    private readonly bool _isRequest;

    public Channel(ProxyContext ctx, ProxySide from, ProxySide to, bool isRequest)
    {
        _ctx = ctx;
        _from = from;
        _to = to;
        _isRequest = isRequest;
    }

    public ChannelState State { get; private set; }

    public long Bytes { get; private set; }

    public async Task RunAsync(int bufferSize)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            var idle = _ctx.Plan.IdleTimeoutMs;
            while (true)
            {
                int n;
                try
                {
                    n = await _from.Stream.ReadAsync(buffer.AsMemory(0, bufferSize)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    Fail(readSide: true);
                    return;
                }
                if (n == 0)
                {
                    State = ChannelState.ReadClosed;
                    _to.ShutdownSend();
                    State = ChannelState.Done;
                    return;
                }
                _ctx.SetDeadline(idle, TerminationCause.ClientTimeout);
                try
                {
                    await _to.Stream.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    Fail(readSide: false);
                    return;
                }
                Bytes += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Fail(bool readSide)
    {
        State = ChannelState.Failed;
        // Reading failed: the source side broke. Writing failed: the destination side broke.
        var clientBroke = readSide == _isRequest;
        _ctx.Fail(clientBroke ? TerminationCause.ClientClosed : TerminationCause.ServerClosed);
        _from.Abort();
        _to.Abort();
    }
}
