namespace Fulcrum.Packet;

/// <summary>Idle timeouts per flow state, in seconds; defaults as LVS's (<c>ipvsadm --set 900 120 300</c> and its per-state table).</summary>
public sealed record FlowTimeouts(int TcpSyn = 60, int TcpEstablished = 900, int TcpFin = 120, int TcpTimeWait = 120, int TcpClose = 10, int Udp = 300)
{
    public static FlowTimeouts Default { get; } = new();

    internal int For(TcpState state) => state switch
    {
        TcpState.Syn => TcpSyn,
        TcpState.Established => TcpEstablished,
        TcpState.Fin => TcpFin,
        TcpState.TimeWait => TcpTimeWait,
        TcpState.Close => TcpClose,
        _ => Udp,
    };
}
