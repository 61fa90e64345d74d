using System.Text;
using Fulcrum.Appliance.Config.Model;
using static Fulcrum.Appliance.DataPlane.Transport.SocketOptions.TcpOptionNames;
using Native = Fulcrum.Appliance.DataPlane.Transport.Epoll.Native;

namespace Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

/// <summary>
/// One side's tcp profile as socket options: the one place that sets them, for both sides and both transports (each
/// hands over the socket's descriptor). The client side sets everything on the listener, where accepted sockets
/// inherit it from the kernel (no system call per connection); the server side sets it on each member socket before
/// connect, so buffers and the MSS shape the SYN. What the kernel refused is kept in <see cref="Telemetry"/>.
/// </summary>
public sealed unsafe class TcpSocketOptions
{
    public TcpSocketOptions(TcpProfile profile, TcpSideTelemetry telemetry)
    {
        Profile = profile;
        Telemetry = telemetry;
        var user = new[] { profile.UserTimeout, profile.ZeroWindowTimeout }.Where(t => t > 0).DefaultIfEmpty(0).Min();
        UserTimeoutMs = user * 1000;
    }

    /// <summary>The built-in <c>tcp</c> profile with telemetry of its own (transport tests, tools).</summary>
    public static TcpSocketOptions Default => new(new TcpProfile { Name = "tcp" }, new TcpSideTelemetry());

    public TcpProfile Profile { get; }

    public TcpSideTelemetry Telemetry { get; }

    /// <summary>
    /// TCP_USER_TIMEOUT: the shorter of userTimeout and zeroWindowTimeout. Since Linux 5.x the user timeout also ends
    /// zero-window probing (a peer that keeps its window shut), which is what zeroWindowTimeout asks for.
    /// </summary>
    public int UserTimeoutMs { get; }

    public bool QuickAck => Profile.QuickAck;

    public int Backlog => Profile.SynBacklog;

    /// <summary>On the listening socket, before listen(): the per-connection options (inherited) and the listener's own.</summary>
    public void ApplyListener(int fd)
    {
        ApplyConnection(fd);
        var p = Profile;
        Set(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, p.DeferAccept, "deferAccept");
        // The Fast Open queue length: as many pending Fast Open requests as the SYN backlog.
        Set(fd, IPPROTO_TCP, TCP_FASTOPEN, p.FastOpen ? p.SynBacklog : 0, "fastOpen");
    }

    /// <summary>On a member socket before connect(): the per-connection options and Fast Open toward the member.</summary>
    public void ApplyBeforeConnect(int fd)
    {
        ApplyConnection(fd);
        if (Profile.FastOpen)
        {
            Set(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1, "fastOpen");
        }
    }

    /// <summary>Once connected or accepted: what the kernel does not keep (quick ACK mode ends by itself).</summary>
    public void ApplyEstablished(int fd)
    {
        if (Profile.QuickAck)
        {
            Native.SetInt(fd, IPPROTO_TCP, TCP_QUICKACK, 1);
        }
    }

    private void ApplyConnection(int fd)
    {
        var p = Profile;
        Set(fd, IPPROTO_TCP, TCP_NODELAY, p.NoDelay ? 1 : 0, "noDelay");
        if (p.SendBufferSize > 0)
        {
            Set(fd, SOL_SOCKET, SO_SNDBUF, p.SendBufferSize, "sendBufferSize");
        }
        if (p.ReceiveBufferSize > 0)
        {
            Set(fd, SOL_SOCKET, SO_RCVBUF, p.ReceiveBufferSize, "receiveBufferSize");
        }
        Set(fd, SOL_SOCKET, SO_KEEPALIVE, p.KeepAliveTime > 0 ? 1 : 0, "keepAliveTime");
        if (p.KeepAliveTime > 0)
        {
            Set(fd, IPPROTO_TCP, TCP_KEEPIDLE, p.KeepAliveTime, "keepAliveTime");
            Set(fd, IPPROTO_TCP, TCP_KEEPINTVL, p.KeepAliveInterval, "keepAliveInterval");
            Set(fd, IPPROTO_TCP, TCP_KEEPCNT, p.KeepAliveProbes, "keepAliveProbes");
        }
        if (p.CongestionControl is { } cc)
        {
            var name = Encoding.ASCII.GetBytes(cc);
            fixed (byte* b = name)
            {
                Check(Native.setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, b, name.Length), "congestionControl");
            }
        }
        if (p.NotSentLowat > 0)
        {
            Set(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, p.NotSentLowat, "notSentLowat");
        }
        if (UserTimeoutMs > 0)
        {
            Set(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, UserTimeoutMs, "userTimeout");
        }
        if (p.MaxSegmentSize > 0)
        {
            Set(fd, IPPROTO_TCP, TCP_MAXSEG, p.MaxSegmentSize, "maxSegmentSize");
        }
        if (p.LingerTimeout == 0)
        {
            // Reset on close: no TIME_WAIT left behind (toward members, this is what frees their ports at once).
            var linger = new Native.Linger { OnOff = 1, Seconds = 0 };
            Check(Native.setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(Native.Linger)), "lingerTimeout");
        }
        else if (p.LingerTimeout > 0)
        {
            Set(fd, IPPROTO_TCP, TCP_LINGER2, p.LingerTimeout, "lingerTimeout");
        }
    }

    private void Set(int fd, int level, int name, int value, string field) => Check(Native.setsockopt(fd, level, name, &value, 4), field);

    private void Check(int result, string field)
    {
        if (result != 0)
        {
            Telemetry.Refused(field, Native.Errno);
        }
    }
}
