using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Fulcrum.Appliance.DataPlane.Transport.Sockets;

/// <summary>A connection of the fallback transport: a System.Net.Sockets socket, its completions on the thread pool.</summary>
internal sealed class SocketsTransportSocket : TransportSocket
{
    private readonly Socket _socket;
    private IPEndPoint? _local;
    private int _disposed;
    private CancellationTokenSource _receiveCancel = new();

    public SocketsTransportSocket(Socket socket, IPEndPoint remote, IPEndPoint? local)
    {
        _socket = socket;
        RemoteEndPoint = remote;
        _local = local;
    }

    public override IPEndPoint RemoteEndPoint { get; }

    public override IPEndPoint LocalEndPoint => _local ??= _socket.LocalEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.Any, 0);

    public override int Loop => 0;

    public override bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    protected override int Descriptor => IsDisposed ? -1 : (int)_socket.SafeHandle.DangerousGetHandle();

    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _receiveCancel.Token).ConfigureAwait(false);
        if (n > 0)
        {
            CountReceived(n);
            if (RearmQuickAck)
            {
                Epoll.Native.SetInt(Descriptor, SocketOptions.TcpOptionNames.IPPROTO_TCP, SocketOptions.TcpOptionNames.TCP_QUICKACK, 1);
            }
        }
        return n;
    }

    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder))]
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            CountSent(n);
            data = data[n..];
        }
    }

    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder))]
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        await SendAsync(first).ConfigureAwait(false);
        await SendAsync(second).ConfigureAwait(false);
    }

    public override void CancelReceive()
    {
        var cancel = Interlocked.Exchange(ref _receiveCancel, new CancellationTokenSource());
        cancel.Cancel();
        cancel.Dispose();
    }

    public override void ShutdownSend() => Shutdown(SocketShutdown.Send);

    public override void ShutdownReceive() => Shutdown(SocketShutdown.Receive);

    private void Shutdown(SocketShutdown how)
    {
        try
        {
            _socket.Shutdown(how);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public override void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        Dispose();
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            BeforeClose((int)_socket.SafeHandle.DangerousGetHandle());
            _socket.Dispose();
        }
    }

    public override bool HasUnsolicitedInput()
    {
        if (IsDisposed)
        {
            return true;
        }
        try
        {
            // One poll: a FIN, a reset or stray bytes all make the socket readable.
            return _socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    public override void SetNoDelay(bool value)
    {
        try
        {
            _socket.NoDelay = value;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
