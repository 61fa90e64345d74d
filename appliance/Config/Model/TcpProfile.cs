using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>
/// TCP behaviour of one side of a full-proxy connection (a virtual's <c>clientSideTcp</c> / <c>serverSideTcp</c>, or
/// both sides when it names one tcp profile in <c>profiles</c>). Times in seconds, sizes in bytes; 0 leaves a knob to the
/// kernel unless said otherwise. Every field is applied to real sockets (docs/TCP.md says where and how).
/// </summary>
public sealed record TcpProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.Tcp;
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Seconds to wait for a member to accept before trying the next one (and raising LB_FAILED).</summary>
    public int ConnectTimeout { get; init; } = 5;
    /// <summary>Seconds without traffic before the proxy closes the connection; 0: never.</summary>
    public int IdleTimeout { get; init; } = 300;
    /// <summary>
    /// Seconds a rule's <c>ctx.tcp.collect(n)</c> waits for its bytes (HAProxy's <c>tcp-request inspect-delay</c>): then
    /// CLIENT_DATA / SERVER_DATA runs with what arrived and <c>ctx.tcp.timedOut</c> true. 0: wait up to the idle timeout.
    /// </summary>
    public int CollectTimeout { get; init; } = 5;
    /// <summary>TCP_NODELAY: true turns Nagle's algorithm off.</summary>
    public bool NoDelay { get; init; } = true;
    /// <summary>SO_SNDBUF request (the kernel doubles it; status shows what it granted); 0: kernel autotuning.</summary>
    public int SendBufferSize { get; init; }
    /// <summary>SO_RCVBUF request (the kernel doubles it); 0: kernel autotuning.</summary>
    public int ReceiveBufferSize { get; init; }
    /// <summary>Idle seconds before the first keep-alive probe (TCP_KEEPIDLE); 0: keep-alive off.</summary>
    public int KeepAliveTime { get; init; } = 1800;
    /// <summary>Seconds between keep-alive probes (TCP_KEEPINTVL).</summary>
    public int KeepAliveInterval { get; init; } = 75;
    /// <summary>Unanswered probes before the connection is dropped (TCP_KEEPCNT).</summary>
    public int KeepAliveProbes { get; init; } = 9;
    /// <summary>TCP_CONGESTION, one of the kernel's tcp_available_congestion_control; null: the kernel's default.</summary>
    public string? CongestionControl { get; init; }
    /// <summary>TCP_NOTSENT_LOWAT: bytes not yet sent above which the socket stops being writable; 0: kernel default.</summary>
    public int NotSentLowat { get; init; }
    /// <summary>TCP_USER_TIMEOUT in seconds: sent data unacknowledged this long drops the connection; 0: kernel default.</summary>
    public int UserTimeout { get; init; }
    /// <summary>TCP_MAXSEG clamp in bytes (set on the listener and before connecting); 0: from the route MTU.</summary>
    public int MaxSegmentSize { get; init; }
    /// <summary>TCP_QUICKACK re-armed after every read: acknowledge at once instead of delaying ACKs.</summary>
    public bool QuickAck { get; init; }
    /// <summary>TCP Fast Open: TCP_FASTOPEN on the listener (client side), TCP_FASTOPEN_CONNECT toward members (server side).</summary>
    public bool FastOpen { get; init; }
    /// <summary>TCP_DEFER_ACCEPT on the listener: seconds to wait for the client's first bytes before accepting; 0: off.</summary>
    public int DeferAccept { get; init; }
    /// <summary>On close: -1 the kernel's default, 0 reset (SO_LINGER 0: no TIME_WAIT), 1–120 seconds in FIN_WAIT2 (TCP_LINGER2).</summary>
    public int LingerTimeout { get; init; } = -1;
    /// <summary>On idle timeout, reset both sides instead of closing them with FIN.</summary>
    public bool ResetOnTimeout { get; init; } = true;
    /// <summary>Bytes buffered one way before the proxy stops reading from the sender.</summary>
    public int ProxyBufferHigh { get; init; } = 131072;
    /// <summary>Bytes below which the proxy reads from the sender again.</summary>
    public int ProxyBufferLow { get; init; } = 98304;
    /// <summary>Seconds a peer may advertise a zero window (or leave data unacknowledged) before the connection is dropped; 0: off.</summary>
    public int ZeroWindowTimeout { get; init; }
    /// <summary>listen() backlog of the virtual's listener (capped by net.core.somaxconn).</summary>
    public int SynBacklog { get; init; } = 4096;
    /// <summary>PROXY protocol header sent to the member: <c>none | v1 | v2</c>.</summary>
    public string ProxyProtocol { get; init; } = "none";
    /// <summary>Client addresses (CIDR) whose PROXY protocol header is accepted.</summary>
    public ImmutableArray<string> AcceptProxyProtocolFrom { get; init; } = [];
}
