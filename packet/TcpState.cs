namespace Fulcrum.Packet;

/// <summary>A tracked flow's state (TCP as LVS tracks it; UDP flows stay <see cref="Udp"/>).</summary>
public enum TcpState : byte
{
    Udp,
    Syn,
    Established,
    Fin,
    TimeWait,
    Close,
}
