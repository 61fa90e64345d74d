using System.Net;
using Fulcrum.Appliance.DataPlane.Snat;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Transport.Epoll;

/// <summary>
/// The per-core event-loop transport: one <see cref="EventLoop"/> thread per data-plane core, each with its own
/// listener per virtual server (SO_REUSEPORT), the client connections it accepted and the server connections they
/// opened. The proxy code stays async/await; its awaitables complete inline on the loop (docs/DATAPLANE.md).
/// </summary>
internal sealed class EpollTransport : ITransport
{
    private readonly EventLoop[] _loops;
    private int _nextLoop;

    public EpollTransport(int loops, ILogger logger)
    {
        _loops = new EventLoop[Math.Max(1, loops)];
        for (var i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new EventLoop(i, logger);
        }
    }

    public string Name => "epoll";

    public int Loops => _loops.Length;

    public int CurrentLoop => EventLoop.Current?.Index ?? -1;

    public bool RunsLoops => true;

    public bool TryPost(int loop, Action<object?> action, object? state)
    {
        _loops[loop].Post(action, state);
        return true;
    }

    public IReadOnlyList<EventLoop> EventLoops => _loops;

    public ITransportListener Listen(IPEndPoint endpoint, ListenOptions options, Action<TransportSocket> accepted)
    {
        var listeners = new List<EpollListener>(_loops.Length);
        try
        {
            foreach (var loop in _loops)
            {
                listeners.Add(EpollListener.Open(loop, endpoint, options, accepted));
            }
        }
        catch
        {
            new EpollListenerGroup([.. listeners]).Dispose();
            throw;
        }
        return new EpollListenerGroup([.. listeners]);
    }

    public ValueTask<TransportSocket> ConnectAsync(IPEndPoint remote, SourceBind source, long timeoutMs, SocketOptions.TcpSocketOptions tcp)
    {
        if (EventLoop.Current is { } loop)
        {
            return ConnectOnLoopAsync(loop, remote, source, timeoutMs, tcp);
        }
        // Off every loop (a monitor, a test): go to one, round robin.
        var chosen = _loops[(int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length)];
        return SwitchThenConnectAsync(chosen, remote, source, timeoutMs, tcp);
    }

    private static async ValueTask<TransportSocket> SwitchThenConnectAsync(EventLoop loop, IPEndPoint remote, SourceBind source, long timeoutMs, SocketOptions.TcpSocketOptions tcp)
    {
        await loop.SwitchTo();
        return await ConnectOnLoopAsync(loop, remote, source, timeoutMs, tcp).ConfigureAwait(false);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private static async ValueTask<TransportSocket> ConnectOnLoopAsync(EventLoop loop, IPEndPoint remote, SourceBind source, long timeoutMs, SocketOptions.TcpSocketOptions tcp)
    {
        var fd = EpollSocket.Create(remote, source, tcp);
        if (fd < 0)
        {
            throw Native.Exception(-fd);
        }
        var socket = new EpollSocket(loop, fd, remote, local: null, readReady: false);
        var error = await socket.ConnectAsync(remote, timeoutMs).ConfigureAwait(false);
        if (error != 0)
        {
            socket.Dispose();
            throw Native.Exception(error);
        }
        socket.UseTcpOptions(tcp, serverSide: true);
        return socket;
    }

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }
    }
}
