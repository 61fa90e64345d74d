using System.Net;
using System.Net.Sockets;
using static Fulcrum.Appliance.DataPlane.Transport.Epoll.Native;

namespace Fulcrum.Appliance.DataPlane.Transport.Epoll;

/// <summary>
/// One virtual server's listening socket on one loop. Every loop has its own (SO_REUSEPORT), so the kernel spreads
/// new connections over the loops and a connection never changes loop. Level-triggered: up to 64 accepts per wake-up,
/// the rest on the next turn, so one busy listener cannot starve the loop's connections.
/// </summary>
internal sealed unsafe class EpollListener : ILoopHandler, ILoopTimer
{
    private const int AcceptBatch = 64;

    private readonly EventLoop _loop;
    private readonly IPEndPoint _endpoint;
    private readonly IPEndPoint? _local;
    private SocketOptions.TcpSocketOptions _tcp;
    private readonly Action<TransportSocket> _accepted;
    private int _fd;
    private uint _gen;
    private bool _paused;

    private EpollListener(EventLoop loop, int fd, IPEndPoint endpoint, SocketOptions.TcpSocketOptions tcp, Action<TransportSocket> accepted)
    {
        _loop = loop;
        _fd = fd;
        _endpoint = endpoint;
        _tcp = tcp;
        _accepted = accepted;
        // A wildcard listener learns each connection's local address from getsockname, on first use only.
        _local = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? null : endpoint;
    }

    /// <summary>Binds and listens (on the caller's thread, so a bind error is thrown to it), then joins the loop.</summary>
    public static EpollListener Open(EventLoop loop, IPEndPoint endpoint, ListenOptions options, Action<TransportSocket> accepted)
    {
        var family = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        var fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Exception(Errno);
        }
        // SO_REUSEADDR: re-listen at once while connections accepted by an old listener still run (as before).
        // SO_REUSEPORT: one listening socket per loop on the same address.
        SetInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
        SetInt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
        if (family == AF_INET6)
        {
            SetInt(fd, SOL_IPV6, IPV6_V6ONLY, 1);
        }
        options.Tcp.ApplyListener(fd);
        var sa = stackalloc byte[SockAddrSize];
        var len = WriteSockAddr(endpoint, sa);
        if (bind(fd, sa, len) != 0 || listen(fd, options.Tcp.Backlog) != 0)
        {
            var errno = Errno;
            close(fd);
            throw Exception(errno);
        }
        options.Tcp.Telemetry.ReadListener(fd, options.Tcp.Backlog);
        var listener = new EpollListener(loop, fd, endpoint, options.Tcp, accepted);
        loop.Post(static l => ((EpollListener)l!).Join(), listener);
        return listener;
    }

    private void Join()
    {
        if (_fd < 0)
        {
            return;
        }
        _gen = _loop.Attach(this, _fd);
        _loop.Register(_fd, _gen, edge: false);
    }

    public void OnEvents(uint events)
    {
        var sa = stackalloc byte[SockAddrSize];
        for (var i = 0; i < AcceptBatch && _fd >= 0; i++)
        {
            var len = SockAddrSize;
            var fd = accept4(_fd, sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
            {
                var errno = Errno;
                if (errno is EMFILE or ENFILE or ENOBUFS)
                {
                    // Out of descriptors: stop listening for a moment instead of spinning on a level-triggered wake-up.
                    _loop.Unregister(_fd);
                    _paused = true;
                    _loop.Schedule(this, Environment.TickCount64 + 50);
                }
                if (errno is EAGAIN or EMFILE or ENFILE or ENOBUFS or EBADF)
                {
                    return;
                }
                continue; // ECONNABORTED and the like: that one connection is gone, the next may be fine
            }
            // Most clients send their first bytes with (or right after) the handshake: try the first read at once.
            var socket = new EpollSocket(_loop, fd, ReadSockAddr(sa), _local, readReady: true);
            socket.UseTcpOptions(_tcp, serverSide: false);
            _accepted(socket);
        }
    }

    public void OnTimer(long due)
    {
        if (_paused && _fd >= 0)
        {
            _paused = false;
            _loop.Register(_fd, _gen, edge: false);
        }
    }

    /// <summary>Sets a changed client-side profile on the listening socket, on its loop (the descriptor is the loop's to close).</summary>
    public void Reconfigure(SocketOptions.TcpSocketOptions tcp)
    {
        _loop.Post(static state =>
        {
            var (listener, tcp) = ((EpollListener, SocketOptions.TcpSocketOptions))state!;
            if (listener._fd >= 0)
            {
                tcp.ApplyListener(listener._fd);
                listen(listener._fd, tcp.Backlog);
                tcp.Telemetry.ReadListener(listener._fd, tcp.Backlog);
                listener._tcp = tcp;
            }
        }, (this, tcp));
    }

    /// <summary>Closes the listening socket on its loop; established connections are not touched.</summary>
    public void Close(ManualResetEventSlim done)
    {
        _loop.Post(static state =>
        {
            var (listener, done) = ((EpollListener, ManualResetEventSlim))state!;
            if (listener._fd >= 0)
            {
                listener._loop.Detach(listener._fd);
                close(listener._fd);
                listener._fd = -1;
            }
            done.Set();
        }, (this, done));
    }
}

/// <summary>A virtual server's listeners on every loop, closed together.</summary>
internal sealed class EpollListenerGroup : ITransportListener
{
    private readonly EpollListener[] _listeners;

    public EpollListenerGroup(EpollListener[] listeners) => _listeners = listeners;

    public void Reconfigure(SocketOptions.TcpSocketOptions tcp)
    {
        foreach (var listener in _listeners)
        {
            listener.Reconfigure(tcp);
        }
    }

    public void Dispose()
    {
        // Waits for the loops to close their sockets, so the port is free (for another listener) when this returns.
        var done = new ManualResetEventSlim[_listeners.Length];
        for (var i = 0; i < _listeners.Length; i++)
        {
            done[i] = new ManualResetEventSlim();
            _listeners[i].Close(done[i]);
        }
        foreach (var d in done)
        {
            d.Wait(TimeSpan.FromSeconds(2));
            d.Dispose();
        }
    }
}
