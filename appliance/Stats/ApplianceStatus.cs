namespace Fulcrum.Appliance.Stats;

/// <summary>The status report's shape. Sources fill in state and counters; fields stay stable for clients.</summary>
public sealed class ApplianceStatus
{
    public long Generation { get; set; }
    public DateTimeOffset Time { get; set; }
    public List<VirtualStatus> Virtuals { get; set; } = [];
    public List<PoolStatus> Pools { get; set; } = [];
    public List<RuleStatus> Rules { get; set; } = [];
    public DataPlaneStatus? DataPlane { get; set; }
    /// <summary>Every certificate's end of validity, flagged when within 30 days (<see cref="CertificateExpiry"/>).</summary>
    public List<CertificateStatus> Certificates { get; set; } = [];
    /// <summary>Each dns virtual server's counters (docs/DNS.md).</summary>
    public List<DnsVirtualStatus> Dns { get; set; } = [];
}

/// <summary>The data plane's transport and the process's allocation figures (bytes per request = allocated / requests between two looks).</summary>
public sealed class DataPlaneStatus
{
    /// <summary><c>epoll</c> (per-core event loops) or <c>sockets</c> (the System.Net.Sockets fallback).</summary>
    public required string Transport { get; set; }
    public int Loops { get; set; }
    /// <summary>Per loop: readiness events handled and epoll_wait calls (events / waits is the batching).</summary>
    public List<LoopStatus> LoopStats { get; set; } = [];
    /// <summary>Bytes allocated by the process since it started (GC.GetTotalAllocatedBytes).</summary>
    public long AllocatedBytes { get; set; }
    public int Gen0Collections { get; set; }
    public int Gen1Collections { get; set; }
    public int Gen2Collections { get; set; }
    /// <summary>The kernel's tcp_available_congestion_control: the names a tcp profile's congestionControl may take.</summary>
    public List<string> AvailableCongestionControl { get; set; } = [];
    /// <summary>The kernel's default (tcp_congestion_control), used when a profile names none.</summary>
    public string? DefaultCongestionControl { get; set; }
}

public sealed class LoopStatus
{
    public int Loop { get; set; }
    public long Events { get; set; }
    public long Waits { get; set; }
}

public sealed class VirtualStatus
{
    public required string Name { get; set; }
    public required string Destination { get; set; }
    public bool Enabled { get; set; }
    /// <summary><c>listening | disabled | error | unknown</c>.</summary>
    public string State { get; set; } = "unknown";
    /// <summary>The OS error when the destination cannot be bound.</summary>
    public string? Error { get; set; }
    public long CurrentConnections { get; set; }
    public long TotalConnections { get; set; }
    public long Requests { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    /// <summary>Connections or requests ended by each termination cause (non-zero ones only).</summary>
    public Dictionary<string, long> Errors { get; set; } = [];
    /// <summary>TCP options in force on each side and TCP_INFO of closed connections; null while the virtual has no listener.</summary>
    public VirtualTcpStatus? Tcp { get; set; }

    /// <summary>Client-side TLS counters; present once the virtual has seen a TLS connection.</summary>
    public VirtualTlsStatus? Tls { get; set; }

    /// <summary>Packet counters, per member too; present on a performance-l4 virtual server that is forwarding.</summary>
    public PacketVirtualStatus? Packet { get; set; }
}

public sealed class VirtualTlsStatus
{
    /// <summary>Completed handshakes, resumed ones included.</summary>
    public long Handshakes { get; set; }
    public long Resumptions { get; set; }
    /// <summary>Handshakes running now.</summary>
    public int InFlight { get; set; }
    /// <summary>Failed handshakes by reason (non-zero ones only): no-shared-cipher, unknown-ca, bad-certificate, timeout, protocol-version, closed, not-tls, limit, other.</summary>
    public Dictionary<string, long> Failures { get; set; } = [];
}

public sealed class PoolStatus
{
    public required string Name { get; set; }
    public int ActiveMembers { get; set; }
    public long CurrentConnections { get; set; }
    public long TotalConnections { get; set; }
    public long Requests { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    public Dictionary<string, long> Errors { get; set; } = [];
    public List<MemberStatus> Members { get; set; } = [];
}

public sealed class MemberStatus
{
    public required string Address { get; set; }
    public int Port { get; set; }
    /// <summary>Administrative state: <c>enabled | disabled | forced-offline</c>.</summary>
    public required string State { get; set; }
    /// <summary>Health: <c>up | down | disabled | unchecked</c>.</summary>
    public string Status { get; set; } = "unchecked";
    public string? Reason { get; set; }
    public DateTimeOffset? Since { get; set; }
    public long CurrentConnections { get; set; }
    public long TotalConnections { get; set; }
    public long Requests { get; set; }
    public long BytesIn { get; set; }
    public long BytesOut { get; set; }
    public Dictionary<string, long> Errors { get; set; } = [];
    /// <summary>Health status changes made by the monitors.</summary>
    public long Transitions { get; set; }
    /// <summary>Each monitor governing the member (its pool's and its node's); null when none does.</summary>
    public List<MonitorStatus>? Monitors { get; set; }
}

/// <summary>One monitor's verdict on a member.</summary>
public sealed class MonitorStatus
{
    public required string Name { get; set; }
    public required string Type { get; set; }
    /// <summary><c>pool</c> (the pool's monitors) or <c>node</c> (the monitors of the node at the member's address).</summary>
    public required string Scope { get; set; }
    /// <summary><c>up | down | disabled | unchecked</c>.</summary>
    public required string Status { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset? Since { get; set; }
    public long Transitions { get; set; }
    /// <summary>Held down by a manual-resume monitor until <c>POST /api/v1/pools/{pool}/members/{member}/resume</c>.</summary>
    public bool AwaitingResume { get; set; }
}

public sealed class RuleStatus
{
    public required string Name { get; set; }
    public long Executions { get; set; }
    public long Failures { get; set; }
    public long Aborts { get; set; }
}
