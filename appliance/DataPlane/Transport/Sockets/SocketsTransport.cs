using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Snat;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Transport.Sockets;

/// <summary>
/// The fallback transport on System.Net.Sockets: one accept loop per listener, completions on the thread pool. Used
/// where epoll is not there (FULCRUM_TRANSPORT=sockets forces it), and to run the data-plane suite a second time.
/// </summary>
internal sealed class SocketsTransport : ITransport
{
    private readonly ILogger _logger;

    public SocketsTransport(ILogger logger) => _logger = logger;

    public string Name => "sockets";

    public int Loops => 1;

    public int CurrentLoop => 0;

    public bool RunsLoops => false;

    public bool TryPost(int loop, Action<object?> action, object? state) => false;

    public ITransportListener Listen(IPEndPoint endpoint, ListenOptions options, Action<TransportSocket> accepted)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            options.Tcp.ApplyListener(Descriptor(socket));
            socket.Bind(endpoint);
            socket.Listen(options.Tcp.Backlog);
            options.Tcp.Telemetry.ReadListener(Descriptor(socket), options.Tcp.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var local = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? null : endpoint;
        var listener = new Listener(socket, options.Tcp);
        _ = AcceptLoopAsync(socket, local, listener, accepted);
        return listener;
    }

    private static int Descriptor(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    private async Task AcceptLoopAsync(Socket listen, IPEndPoint? local, Listener listener, Action<TransportSocket> accepted)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listen.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException ex)
            {
                // EMFILE and friends: back off briefly instead of spinning; the listener stays up.
                DataPlaneLog.AcceptFailed(_logger, listen.LocalEndPoint?.ToString() ?? "?", ex.Message);
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }
            // The options are the listener's, inherited by the kernel; this adds quick ACKs, the read-back and TCP_INFO at close.
            var socket = new SocketsTransportSocket(client, (IPEndPoint)client.RemoteEndPoint!, local);
            socket.UseTcpOptions(listener.Tcp, serverSide: false);
            accepted(socket);
        }
    }

    public async ValueTask<TransportSocket> ConnectAsync(IPEndPoint remote, SourceBind source, long timeoutMs, SocketOptions.TcpSocketOptions tcp)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            tcp.ApplyBeforeConnect(Descriptor(socket));
            if (source.Address is { } address)
            {
                if (source.Transparent)
                {
                    SourceBinding.BindTransparent(socket, address);
                }
                else
                {
                    SourceBinding.BindSnat(socket, address);
                }
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(timeoutMs));
            try
            {
                await socket.ConnectAsync(remote, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new SocketException((int)SocketError.TimedOut);
            }
            var connected = new SocketsTransportSocket(socket, remote, null);
            connected.UseTcpOptions(tcp, serverSide: true);
            return connected;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
    }

    private sealed class Listener(Socket socket, SocketOptions.TcpSocketOptions tcp) : ITransportListener
    {
        public SocketOptions.TcpSocketOptions Tcp { get; private set; } = tcp;

        public void Reconfigure(SocketOptions.TcpSocketOptions tcp)
        {
            try
            {
                tcp.ApplyListener(Descriptor(socket));
                socket.Listen(tcp.Backlog);
                tcp.Telemetry.ReadListener(Descriptor(socket), tcp.Backlog);
                Tcp = tcp;
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose() => socket.Dispose();
    }
}
