using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Snat;
using static Fulcrum.Appliance.DataPlane.Transport.Epoll.Native;

namespace Fulcrum.Appliance.DataPlane.Transport.Epoll;

/// <summary>
/// A connection on an <see cref="EventLoop"/>. A receive calls recv only when an edge (or the accept) said bytes may
/// be there, else it waits without a system call; a send is tried at once and waits for EPOLLOUT only when the
/// kernel's buffer is full. The socket is registered with epoll once, edge-triggered, the first time it must wait.
/// Everything here runs on the owning loop; a call from elsewhere (the timeout sweeper, the OneConnect sweep, code
/// that awaited something off the loop) is posted to the loop, and its completion runs there.
/// An idle pooled connection the member closed shows up as an edge (<see cref="HasUnsolicitedInput"/> costs no
/// system call while no edge came).
/// </summary>
internal sealed unsafe class EpollSocket : TransportSocket, ILoopHandler, ILoopTimer
{
    private EventLoop _loop;
    private readonly LoopOperation _recvOp = new();
    private readonly LoopOperation _sendOp = new();
    private int _fd;
    private uint _gen;
    private bool _registered;
    private bool _readReady;
    private bool _readShut;
    private bool _peerDone;
    private bool _recvPending;
    private bool _sendPending;
    private bool _connectPending;
    private long _connectDue;
    private Memory<byte> _recvBuf;
    private ReadOnlyMemory<byte> _send1;
    private ReadOnlyMemory<byte> _send2;
    private int _sendOff;
    private IPEndPoint? _local;
    private volatile bool _disposed;

    public EpollSocket(EventLoop loop, int fd, IPEndPoint remote, IPEndPoint? local, bool readReady)
    {
        _loop = loop;
        _fd = fd;
        _gen = loop.Attach(this, fd);
        RemoteEndPoint = remote;
        _local = local;
        _readReady = readReady;
    }

    public override IPEndPoint RemoteEndPoint { get; }

    public override IPEndPoint LocalEndPoint => _local ??= ReadLocal();

    public override int Loop => _loop.Index;

    public override bool IsDisposed => _disposed;

    protected override int Descriptor => _fd;

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (!_loop.IsCurrent)
        {
            return OffLoop.ReceiveAsync(_loop, this, buffer);
        }
        if (_fd < 0)
        {
            return ValueTask.FromException<int>(Aborted());
        }
        if (_readShut)
        {
            return new ValueTask<int>(0);
        }
        if (_readReady)
        {
            if (buffer.Length == 0)
            {
                return new ValueTask<int>(0);
            }
            var n = Recv(buffer.Span);
            if (n >= 0)
            {
                return new ValueTask<int>(n);
            }
            if (n != -EAGAIN)
            {
                return ValueTask.FromException<int>(Exception(-n));
            }
        }
        if (Register() is not 0 and var error)
        {
            return ValueTask.FromException<int>(Exception(error));
        }
        _recvBuf = buffer;
        _recvPending = true;
        _recvOp.Reset();
        return new ValueTask<int>(_recvOp, _recvOp.Version);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> data) => SendAsync(data, ReadOnlyMemory<byte>.Empty);

    public override ValueTask SendAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        if (!_loop.IsCurrent)
        {
            return OffLoop.SendAsync(_loop, this, first, second);
        }
        if (_fd < 0)
        {
            return ValueTask.FromException(Aborted());
        }
        var total = first.Length + second.Length;
        if (total == 0)
        {
            return ValueTask.CompletedTask;
        }
        var off = TrySend(first, second, 0);
        if (off == total)
        {
            return ValueTask.CompletedTask;
        }
        if (off < 0)
        {
            return ValueTask.FromException(Exception(-off));
        }
        if (Register() is not 0 and var error)
        {
            return ValueTask.FromException(Exception(error));
        }
        _send1 = first;
        _send2 = second;
        _sendOff = off;
        _sendPending = true;
        _sendOp.Reset();
        return new ValueTask(_sendOp, _sendOp.Version);
    }

    /// <summary>Starts a connect (the socket is new and on the current loop); completes when it is up or failed.</summary>
    public ValueTask<int> ConnectAsync(IPEndPoint remote, long timeoutMs)
    {
        var sa = stackalloc byte[SockAddrSize];
        var len = WriteSockAddr(remote, sa);
        if (connect(_fd, sa, len) == 0)
        {
            return new ValueTask<int>(0);
        }
        var errno = Errno;
        if (errno != EINPROGRESS)
        {
            return new ValueTask<int>(errno);
        }
        if (Register() is not 0 and var error)
        {
            return new ValueTask<int>(error);
        }
        _connectPending = true;
        _connectDue = Environment.TickCount64 + Math.Max(1, timeoutMs);
        _loop.Schedule(this, _connectDue);
        _sendOp.Reset();
        return new ValueTask<int>(_sendOp, _sendOp.Version);
    }

    public void OnTimer(long due)
    {
        if (_connectPending && due == _connectDue)
        {
            _connectPending = false;
            _sendOp.SetResult(ETIMEDOUT);
        }
    }

    public void OnEvents(uint events)
    {
        if (!_loop.IsCurrent)
        {
            return; // an event fetched by the loop this idle connection just moved away from (OneConnect takeover)
        }
        var gen = _gen;
        if ((events & WriteEvents) != 0)
        {
            if (_connectPending)
            {
                _connectPending = false;
                _sendOp.SetResult(SocketError(_fd));
                if (_gen != gen)
                {
                    return;
                }
            }
            else if (_sendPending)
            {
                var total = _send1.Length + _send2.Length;
                var off = TrySend(_send1, _send2, _sendOff);
                if (off < 0 || off == total)
                {
                    _sendPending = false;
                    _send1 = _send2 = default;
                    if (off < 0)
                    {
                        _sendOp.SetException(Exception(-off));
                    }
                    else
                    {
                        _sendOp.SetResult(total);
                    }
                    if (_gen != gen)
                    {
                        return;
                    }
                }
                else
                {
                    _sendOff = off;
                }
            }
        }
        if ((events & ReadEvents) != 0)
        {
            _readReady = true;
            if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
            {
                // The FIN (or an error) came with this edge and no other will follow: a short read no longer means drained.
                _peerDone = true;
            }
            if (_recvPending)
            {
                CompleteReceive();
            }
        }
    }

    private void CompleteReceive()
    {
        int n;
        if (_recvBuf.Length == 0)
        {
            n = 0; // a zero-byte read only waits for readiness: the next read takes the bytes
        }
        else
        {
            n = Recv(_recvBuf.Span);
            if (n == -EAGAIN)
            {
                return;
            }
        }
        _recvPending = false;
        _recvBuf = default;
        if (n < 0)
        {
            _recvOp.SetException(Exception(-n));
        }
        else
        {
            _recvOp.SetResult(n);
        }
    }

    /// <summary>recv once: the byte count, or -errno. A short read means the socket is drained (no edge until more comes).</summary>
    private int Recv(Span<byte> buffer)
    {
        nint n;
        fixed (byte* p = buffer)
        {
            n = recv(_fd, p, buffer.Length, 0);
        }
        if (n < 0)
        {
            var errno = Errno;
            if (errno == EAGAIN)
            {
                _readReady = false;
            }
            return -errno;
        }
        if (n < buffer.Length && n > 0)
        {
            _readReady = _peerDone;
        }
        if (n > 0 && RearmQuickAck)
        {
            SetInt(_fd, IPPROTO_TCP, SocketOptions.TcpOptionNames.TCP_QUICKACK, 1);
        }
        if (n > 0)
        {
            CountReceived((int)n);
        }
        return (int)n;
    }

    /// <summary>Sends from <paramref name="off"/> until done or EAGAIN; the new offset, or -errno.</summary>
    private int TrySend(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second, int off)
    {
        var total = first.Length + second.Length;
        var start = off;
        fixed (byte* p1 = first.Span)
        fixed (byte* p2 = second.Span)
        {
            while (off < total)
            {
                nint n;
                if (off < first.Length && second.Length > 0)
                {
                    var iov = stackalloc IoVec[2];
                    iov[0] = new IoVec { Base = p1 + off, Length = (nuint)(first.Length - off) };
                    iov[1] = new IoVec { Base = p2, Length = (nuint)second.Length };
                    n = writev(_fd, iov, 2);
                }
                else if (off < first.Length)
                {
                    n = send(_fd, p1 + off, first.Length - off, MSG_NOSIGNAL);
                }
                else
                {
                    n = send(_fd, p2 + (off - first.Length), total - off, MSG_NOSIGNAL);
                }
                if (n > 0)
                {
                    off += (int)n;
                    continue;
                }
                var errno = Errno;
                if (n < 0 && errno == EAGAIN)
                {
                    break;
                }
                if (off > start)
                {
                    CountSent(off - start);
                }
                return -(n < 0 ? errno : EPIPE);
            }
        }
        if (off > start)
        {
            CountSent(off - start);
        }
        return off;
    }

    private int Register()
    {
        if (_registered)
        {
            return 0;
        }
        _registered = true;
        return _loop.Register(_fd, _gen, edge: true);
    }

    public override bool MoveToCurrentLoop()
    {
        var target = EventLoop.Current;
        if (target is null || target == _loop)
        {
            return true;
        }
        if (_fd < 0 || _recvPending || _sendPending || _connectPending)
        {
            return false;
        }
        // Idle: nothing waits on it. epoll_ctl is safe from any thread; the old loop's table is cleared on the old loop,
        // by generation, so a reused fd number there is never mistaken for this socket.
        var old = _loop;
        var oldGen = _gen;
        var fd = _fd;
        if (_registered)
        {
            old.Unregister(fd);
        }
        old.Post(static state =>
        {
            var (loop, fd, gen) = ((EventLoop, int, uint))state!;
            loop.Detach(fd, gen);
        }, (old, fd, oldGen));
        _loop = target;
        _gen = target.Attach(this, fd);
        _registered = false;
        _readReady = true; // an edge may have been lost in the move: the next idle check looks once
        return true;
    }

    public override ValueTask ResumeOnLoopAsync() => _loop.IsCurrent ? ValueTask.CompletedTask : OffLoop.SwitchAsync(_loop);

    public override bool HasUnsolicitedInput()
    {
        if (_disposed || _fd < 0)
        {
            return true;
        }
        if (_loop.IsCurrent && !_readReady)
        {
            return false; // no edge since the last read drained it: nothing arrived
        }
        byte b;
        var n = recv(_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && Errno == EAGAIN)
        {
            if (_loop.IsCurrent)
            {
                _readReady = false;
            }
            return false;
        }
        return true;
    }

    public override void SetNoDelay(bool value)
    {
        if (_fd >= 0)
        {
            SetInt(_fd, IPPROTO_TCP, TCP_NODELAY, value ? 1 : 0);
        }
    }

    public override void ShutdownSend()
    {
        if (!_loop.IsCurrent)
        {
            _loop.Post(static s => ((EpollSocket)s!).ShutdownSend(), this);
            return;
        }
        if (_fd >= 0)
        {
            shutdown(_fd, SHUT_WR);
        }
    }

    public override void CancelReceive()
    {
        if (!_loop.IsCurrent)
        {
            _loop.Post(static s => ((EpollSocket)s!).CancelReceive(), this);
            return;
        }
        if (_recvPending)
        {
            _recvPending = false;
            _recvBuf = default;
            _recvOp.SetException(new OperationCanceledException());
        }
    }

    public override void ShutdownReceive()
    {
        if (!_loop.IsCurrent)
        {
            _loop.Post(static s => ((EpollSocket)s!).ShutdownReceive(), this);
            return;
        }
        if (_fd < 0)
        {
            return;
        }
        shutdown(_fd, SHUT_RD);
        _readShut = true;
        if (_recvPending)
        {
            _recvPending = false;
            _recvBuf = default;
            _recvOp.SetResult(0);
        }
    }

    public override void Abort()
    {
        _disposed = true;
        if (!_loop.IsCurrent)
        {
            _loop.Post(static s => ((EpollSocket)s!).Close(reset: true), this);
            return;
        }
        Close(reset: true);
    }

    public override void Dispose()
    {
        _disposed = true;
        if (!_loop.IsCurrent)
        {
            _loop.Post(static s => ((EpollSocket)s!).Close(reset: false), this);
            return;
        }
        Close(reset: false);
    }

    private void Close(bool reset)
    {
        if (_fd < 0)
        {
            return;
        }
        var fd = _fd;
        if (reset)
        {
            var linger = new Linger { OnOff = 1, Seconds = 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(Linger));
        }
        BeforeClose(fd);
        _loop.Detach(fd);
        _fd = -1;
        _gen = 0;
        close(fd);
        // Waiters learn of the close as .NET's sockets tell it: an aborted operation.
        if (_recvPending)
        {
            _recvPending = false;
            _recvBuf = default;
            _recvOp.SetException(Aborted());
        }
        if (_sendPending || _connectPending)
        {
            _sendPending = _connectPending = false;
            _send1 = _send2 = default;
            _sendOp.SetException(Aborted());
        }
    }

    private static SocketException Aborted() => new((int)System.Net.Sockets.SocketError.OperationAborted);

    private IPEndPoint ReadLocal()
    {
        var sa = stackalloc byte[SockAddrSize];
        var len = SockAddrSize;
        if (_fd < 0 || getsockname(_fd, sa, &len) != 0)
        {
            return new IPEndPoint(IPAddress.Any, 0);
        }
        return ReadSockAddr(sa);
    }

    /// <summary>A new non-blocking socket toward <paramref name="remote"/>, bound as <paramref name="source"/> says; -errno on failure.</summary>
    public static int Create(IPEndPoint remote, SourceBind source, SocketOptions.TcpSocketOptions options)
    {
        var family = remote.AddressFamily == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        var fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return -Errno;
        }
        options.ApplyBeforeConnect(fd);
        if (source.Address is { } address)
        {
            int error;
            if (source.Transparent)
            {
                error = family == AF_INET6 ? SetInt(fd, SOL_IPV6, 75, 1) : SetInt(fd, SOL_IP, 19, 1);
                if (error != 0)
                {
                    close(fd);
                    throw new TransparentModeException(
                        $"transparent mode (sourceAddressTranslation 'none') needs CAP_NET_ADMIN (or CAP_NET_RAW) to set IP_TRANSPARENT: errno {error}; give fulcrum that capability or use automap/snat");
                }
            }
            else
            {
                SetInt(fd, SOL_IP, 24, 1); // IP_BIND_ADDRESS_NO_PORT: connect() picks the port, so SNAT ports are shared across members
            }
            var sa = stackalloc byte[SockAddrSize];
            var len = WriteSockAddr(new IPEndPoint(address, 0), sa);
            if (bind(fd, sa, len) != 0)
            {
                error = Errno;
                close(fd);
                return -error;
            }
        }
        return fd;
    }
}

/// <summary>Calls made off the socket's loop: hop onto it first (the await continues there), then run as usual.</summary>
internal static class OffLoop
{
    public static async ValueTask SwitchAsync(EventLoop loop) => await loop.SwitchTo();

    public static async ValueTask<int> ReceiveAsync(EventLoop loop, TransportSocket socket, Memory<byte> buffer)
    {
        await loop.SwitchTo();
        return await socket.ReceiveAsync(buffer).ConfigureAwait(false);
    }

    public static async ValueTask SendAsync(EventLoop loop, TransportSocket socket, ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        await loop.SwitchTo();
        await socket.SendAsync(first, second).ConfigureAwait(false);
    }
}
