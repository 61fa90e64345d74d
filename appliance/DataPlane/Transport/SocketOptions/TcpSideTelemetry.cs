using System.Text;
using Fulcrum.Appliance.Stats;
using static Fulcrum.Appliance.DataPlane.Transport.SocketOptions.TcpOptionNames;
using Native = Fulcrum.Appliance.DataPlane.Transport.Epoll.Native;

namespace Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

/// <summary>
/// What one side of one virtual shows in the status: options read back from a live socket (at most one connection a
/// second pays for the getsockopt calls), the options the kernel refused, and TCP_INFO summed over closed connections
/// (one getsockopt per close, lock-free counters).
/// </summary>
public sealed unsafe class TcpSideTelemetry
{
    // struct tcp_info offsets (linux/tcp.h): stable ABI, fields only ever appended.
    private const int InfoSize = 232, RttOffset = 68, TotalRetransOffset = 100, DeliveryRateOffset = 160, BytesSentOffset = 200, BytesRetransOffset = 208;

    private long _lastSample = long.MinValue / 2;
    private TcpOptionsInForce? _options;
    private string? _refused;
    private int? _deferAccept;
    private int? _synBacklog;
    private bool _listenerFastOpen;
    private long _bufferPauses, _bufferResumes;
    private long _connections, _retransmits, _withRetransmits, _rttSum, _rttMax, _rateSum, _rateMax, _bytesSent, _bytesRetrans;

    /// <summary>An L4 pump held proxyBufferHigh bytes read from this side and stopped reading from it.</summary>
    public void BufferPaused() => Interlocked.Increment(ref _bufferPauses);

    /// <summary>The other side took enough that at most proxyBufferLow remained: the pump reads from this side again.</summary>
    public void BufferResumed() => Interlocked.Increment(ref _bufferResumes);

    public void Refused(string field, int errno) => Volatile.Write(ref _refused, $"{field}: errno {errno}");

    /// <summary>True for at most one caller a second: that connection's options are read back.</summary>
    public bool ShouldSample()
    {
        var now = Environment.TickCount64;
        var last = Volatile.Read(ref _lastSample);
        return now - last >= 1000 && Interlocked.CompareExchange(ref _lastSample, now, last) == last;
    }

    /// <summary>The listener's own options, read back once it listens (client side).</summary>
    public void ReadListener(int fd, int backlog)
    {
        _deferAccept = Get(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT);
        _listenerFastOpen = Get(fd, IPPROTO_TCP, TCP_FASTOPEN) > 0;
        _synBacklog = Math.Min(backlog, KernelTcp.SoMaxConn());
    }

    /// <summary>Reads back every option of a connected socket.</summary>
    public void ReadConnection(int fd, bool serverSide)
    {
        var o = new TcpOptionsInForce
        {
            ReadAt = DateTimeOffset.UtcNow,
            NoDelay = Get(fd, IPPROTO_TCP, TCP_NODELAY) != 0,
            SendBufferSize = Get(fd, SOL_SOCKET, SO_SNDBUF),
            ReceiveBufferSize = Get(fd, SOL_SOCKET, SO_RCVBUF),
            KeepAliveTime = Get(fd, SOL_SOCKET, SO_KEEPALIVE) != 0 ? Get(fd, IPPROTO_TCP, TCP_KEEPIDLE) : 0,
            KeepAliveInterval = Get(fd, IPPROTO_TCP, TCP_KEEPINTVL),
            KeepAliveProbes = Get(fd, IPPROTO_TCP, TCP_KEEPCNT),
            CongestionControl = Congestion(fd),
            NotSentLowat = Get(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT),
            UserTimeoutMs = Get(fd, IPPROTO_TCP, TCP_USER_TIMEOUT),
            MaxSegmentSize = Get(fd, IPPROTO_TCP, TCP_MAXSEG),
            QuickAck = Get(fd, IPPROTO_TCP, TCP_QUICKACK) != 0,
            FastOpen = serverSide ? Get(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT) != 0 : _listenerFastOpen,
            DeferAccept = serverSide ? null : _deferAccept,
            LingerTimeout = Linger(fd),
            SynBacklog = serverSide ? null : _synBacklog,
        };
        Volatile.Write(ref _options, o);
    }

    /// <summary>TCP_INFO of a socket about to be closed, added to the sums.</summary>
    public void RecordClosed(int fd)
    {
        var info = stackalloc byte[InfoSize];
        var len = InfoSize;
        if (Native.getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &len) != 0 || len < BytesRetransOffset + 8)
        {
            return;
        }
        var rtt = *(uint*)(info + RttOffset);
        var retrans = *(uint*)(info + TotalRetransOffset);
        var rate = *(long*)(info + DeliveryRateOffset);
        Interlocked.Increment(ref _connections);
        if (retrans > 0)
        {
            Interlocked.Add(ref _retransmits, retrans);
            Interlocked.Increment(ref _withRetransmits);
        }
        Interlocked.Add(ref _rttSum, rtt);
        Max(ref _rttMax, rtt);
        Interlocked.Add(ref _rateSum, rate);
        Max(ref _rateMax, rate);
        Interlocked.Add(ref _bytesSent, *(long*)(info + BytesSentOffset));
        Interlocked.Add(ref _bytesRetrans, *(long*)(info + BytesRetransOffset));
    }

    public TcpSideStatus Status(string profile)
    {
        var n = Volatile.Read(ref _connections);
        return new TcpSideStatus
        {
            Profile = profile,
            Options = Volatile.Read(ref _options),
            RefusedOption = Volatile.Read(ref _refused),
            ProxyBuffer = new ProxyBufferSummary { Pauses = Volatile.Read(ref _bufferPauses), Resumes = Volatile.Read(ref _bufferResumes) },
            Closed = new TcpClosedSummary
            {
                Connections = n,
                Retransmits = Volatile.Read(ref _retransmits),
                ConnectionsWithRetransmits = Volatile.Read(ref _withRetransmits),
                RttMeanUs = n == 0 ? 0 : Volatile.Read(ref _rttSum) / n,
                RttMaxUs = Volatile.Read(ref _rttMax),
                DeliveryRateMean = n == 0 ? 0 : Volatile.Read(ref _rateSum) / n,
                DeliveryRateMax = Volatile.Read(ref _rateMax),
                BytesSent = Volatile.Read(ref _bytesSent),
                BytesRetransmitted = Volatile.Read(ref _bytesRetrans),
            },
        };
    }

    private static void Max(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private static int Get(int fd, int level, int name)
    {
        int value = 0, len = 4;
        return Native.getsockopt(fd, level, name, &value, &len) == 0 ? value : -1;
    }

    private static string Congestion(int fd)
    {
        var name = stackalloc byte[16];
        var len = 16;
        if (Native.getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len) != 0)
        {
            return "";
        }
        var span = new ReadOnlySpan<byte>(name, len);
        var end = span.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? span : span[..end]);
    }

    private static int Linger(int fd)
    {
        var linger = default(Native.Linger);
        var len = sizeof(Native.Linger);
        if (Native.getsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, &len) == 0 && linger.OnOff != 0 && linger.Seconds == 0)
        {
            return 0;
        }
        return Get(fd, IPPROTO_TCP, TCP_LINGER2);
    }
}
