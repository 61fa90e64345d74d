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
            socket.Bind(endpoint);
            socket.Listen(options.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var local = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? null : endpoint;
        _ = AcceptLoopAsync(socket, local, options.NoDelay, accepted);
        return new Listener(socket);
    }

    private async Task AcceptLoopAsync(Socket listen, IPEndPoint? local, bool noDelay, Action<TransportSocket> accepted)
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
            client.NoDelay = noDelay;
            accepted(new SocketsTransportSocket(client, (IPEndPoint)client.RemoteEndPoint!, local));
        }
    }

    public async ValueTask<TransportSocket> ConnectAsync(IPEndPoint remote, SourceBind source, long timeoutMs, bool noDelay)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = noDelay;
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
            return new SocketsTransportSocket(socket, remote, null);
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

    private sealed class Listener(Socket socket) : ITransportListener
    {
        public void Dispose() => socket.Dispose();
    }
}
