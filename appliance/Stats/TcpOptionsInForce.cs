namespace Fulcrum.Appliance.Stats;

/// <summary>
/// The TCP options of one side read back with getsockopt from a live socket (the newest sampled connection, at its
/// set-up), in the kernel's terms: buffers as granted (the kernel doubles a request), times as the kernel keeps them.
/// </summary>
public sealed class TcpOptionsInForce
{
    public DateTimeOffset ReadAt { get; set; }
    public bool NoDelay { get; set; }
    /// <summary>SO_SNDBUF as granted.</summary>
    public int SendBufferSize { get; set; }
    /// <summary>SO_RCVBUF as granted.</summary>
    public int ReceiveBufferSize { get; set; }
    /// <summary>TCP_KEEPIDLE, 0 when SO_KEEPALIVE is off.</summary>
    public int KeepAliveTime { get; set; }
    public int KeepAliveInterval { get; set; }
    public int KeepAliveProbes { get; set; }
    public string CongestionControl { get; set; } = "";
    /// <summary>TCP_NOTSENT_LOWAT; 0: not set on the socket (the sysctl applies).</summary>
    public int NotSentLowat { get; set; }
    /// <summary>TCP_USER_TIMEOUT in milliseconds (userTimeout or zeroWindowTimeout, the shorter).</summary>
    public int UserTimeoutMs { get; set; }
    /// <summary>TCP_MAXSEG: the segment size in use (the clamp less TCP options such as timestamps).</summary>
    public int MaxSegmentSize { get; set; }
    /// <summary>TCP_QUICKACK right after set-up.</summary>
    public bool QuickAck { get; set; }
    /// <summary>Client side: the listener's TCP_FASTOPEN queue length &gt; 0; server side: TCP_FASTOPEN_CONNECT.</summary>
    public bool FastOpen { get; set; }
    /// <summary>The listener's TCP_DEFER_ACCEPT in seconds, as the kernel rounds it (client side only).</summary>
    public int? DeferAccept { get; set; }
    /// <summary>0: SO_LINGER 0 (reset on close); else TCP_LINGER2, the FIN_WAIT2 seconds (the sysctl tcp_fin_timeout when unset).</summary>
    public int LingerTimeout { get; set; }
    /// <summary>The listen backlog asked for, capped at net.core.somaxconn as the kernel does (client side only).</summary>
    public int? SynBacklog { get; set; }
}
