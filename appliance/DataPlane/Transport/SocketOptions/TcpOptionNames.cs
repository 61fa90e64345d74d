namespace Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

/// <summary>Linux socket option numbers (asm-generic/socket.h, linux/tcp.h) the tcp profile sets and reads back.</summary>
internal static class TcpOptionNames
{
    public const int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_LINGER = 13;
    public const int IPPROTO_TCP = 6, TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6;
    public const int TCP_LINGER2 = 8, TCP_DEFER_ACCEPT = 9, TCP_INFO = 11, TCP_QUICKACK = 12, TCP_CONGESTION = 13;
    public const int TCP_USER_TIMEOUT = 18, TCP_FASTOPEN = 23, TCP_NOTSENT_LOWAT = 25, TCP_FASTOPEN_CONNECT = 30;
}
