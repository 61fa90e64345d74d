using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fulcrum.Appliance.DataPlane.Transport.Epoll;

/// <summary>
/// The Linux calls the epoll transport makes. errno is read right after each call (<see cref="Errno"/>): any later
/// P/Invoke, even an epoll_ctl, may overwrite it. epoll_event is packed (12 bytes) on x86-64 and naturally aligned
/// (16 bytes) elsewhere, so events are read through <see cref="EventStride"/> and <see cref="EventDataOffset"/>.
/// </summary>
internal static unsafe partial class Native
{
    public const int AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_ERROR = 4, SO_LINGER = 13, SO_REUSEPORT = 15;
    public const int SOL_IP = 0, SOL_IPV6 = 41, IPV6_V6ONLY = 26;
    public const int IPPROTO_TCP = 6, TCP_NODELAY = 1;
    public const uint EPOLLIN = 0x1, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000, EPOLLET = 0x80000000;
    public const uint ReadEvents = EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP;
    public const uint WriteEvents = EPOLLOUT | EPOLLERR | EPOLLHUP;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    public const int EPERM = 1, EINTR = 4, EBADF = 9, EAGAIN = 11, EACCES = 13, EPIPE = 32, EMFILE = 24, ENFILE = 23;
    public const int EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104;
    public const int ENOBUFS = 105, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTUNREACH = 113, EINPROGRESS = 115;
    public const int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    public const int SHUT_RD = 0, SHUT_WR = 1;
    public const int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    /// <summary>Room for a sockaddr_in6.</summary>
    public const int SockAddrSize = 28;

    public static readonly int EventStride = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    public static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    [LibraryImport("libc", SetLastError = true)] public static partial int socket(int domain, int type, int protocol);
    [LibraryImport("libc", SetLastError = true)] public static partial int setsockopt(int fd, int level, int name, void* value, int len);
    [LibraryImport("libc", SetLastError = true)] public static partial int getsockopt(int fd, int level, int name, void* value, int* len);
    [LibraryImport("libc", SetLastError = true)] public static partial int bind(int fd, byte* addr, int len);
    [LibraryImport("libc", SetLastError = true)] public static partial int listen(int fd, int backlog);
    [LibraryImport("libc", SetLastError = true)] public static partial int accept4(int fd, byte* addr, int* len, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int connect(int fd, byte* addr, int len);
    [LibraryImport("libc", SetLastError = true)] public static partial int getsockname(int fd, byte* addr, int* len);
    [LibraryImport("libc", SetLastError = true)] public static partial nint recv(int fd, byte* buf, nint len, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint send(int fd, byte* buf, nint len, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint writev(int fd, IoVec* iov, int count);
    [LibraryImport("libc", SetLastError = true)] public static partial int shutdown(int fd, int how);
    [LibraryImport("libc", SetLastError = true)] public static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true)] public static partial int epoll_create1(int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);
    [LibraryImport("libc", SetLastError = true)] public static partial int epoll_wait(int epfd, byte* events, int max, int timeout);
    [LibraryImport("libc", SetLastError = true)] public static partial int eventfd(uint initval, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint read(int fd, byte* buf, nint len);
    [LibraryImport("libc", SetLastError = true)] public static partial nint write(int fd, byte* buf, nint len);

    public static int Errno
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Marshal.GetLastPInvokeError();
    }

    /// <summary>Whether this transport can run here: Linux with epoll.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Writes <paramref name="ep"/> as a sockaddr_in or sockaddr_in6; returns its length.</summary>
    public static int WriteSockAddr(IPEndPoint ep, byte* sa)
    {
        new Span<byte>(sa, SockAddrSize).Clear();
        if (ep.AddressFamily == AddressFamily.InterNetwork)
        {
            *(ushort*)sa = AF_INET;
            sa[2] = (byte)(ep.Port >> 8);
            sa[3] = (byte)ep.Port;
            ep.Address.TryWriteBytes(new Span<byte>(sa + 4, 4), out _);
            return 16;
        }
        *(ushort*)sa = AF_INET6;
        sa[2] = (byte)(ep.Port >> 8);
        sa[3] = (byte)ep.Port;
        ep.Address.TryWriteBytes(new Span<byte>(sa + 8, 16), out _);
        *(uint*)(sa + 24) = (uint)ep.Address.ScopeId;
        return 28;
    }

    public static IPEndPoint ReadSockAddr(byte* sa)
    {
        var port = (sa[2] << 8) | sa[3];
        if (*(ushort*)sa == AF_INET)
        {
            return new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(sa + 4, 4)), port);
        }
        var address = new IPAddress(new ReadOnlySpan<byte>(sa + 8, 16), *(uint*)(sa + 24));
        return new IPEndPoint(address, port);
    }

    public static int SetInt(int fd, int level, int name, int value) => setsockopt(fd, level, name, &value, 4) == 0 ? 0 : Errno;

    public static int SocketError(int fd)
    {
        int err = 0, len = 4;
        return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : Errno;
    }

    /// <summary>An errno as the <see cref="SocketException"/> the rest of the data plane (and .NET's own sockets) throw.</summary>
    public static SocketException Exception(int errno) => new((int)ToSocketError(errno));

    public static System.Net.Sockets.SocketError ToSocketError(int errno) => errno switch
    {
        ECONNREFUSED => System.Net.Sockets.SocketError.ConnectionRefused,
        ETIMEDOUT => System.Net.Sockets.SocketError.TimedOut,
        ECONNRESET => System.Net.Sockets.SocketError.ConnectionReset,
        EPIPE => System.Net.Sockets.SocketError.Shutdown,
        EADDRINUSE => System.Net.Sockets.SocketError.AddressAlreadyInUse,
        EADDRNOTAVAIL => System.Net.Sockets.SocketError.AddressNotAvailable,
        ENETUNREACH => System.Net.Sockets.SocketError.NetworkUnreachable,
        EHOSTUNREACH => System.Net.Sockets.SocketError.HostUnreachable,
        ECONNABORTED => System.Net.Sockets.SocketError.ConnectionAborted,
        EACCES or EPERM => System.Net.Sockets.SocketError.AccessDenied,
        EMFILE or ENFILE => System.Net.Sockets.SocketError.TooManyOpenSockets,
        ENOBUFS => System.Net.Sockets.SocketError.NoBufferSpaceAvailable,
        EBADF => System.Net.Sockets.SocketError.OperationAborted,
        _ => System.Net.Sockets.SocketError.SocketError,
    };
}
