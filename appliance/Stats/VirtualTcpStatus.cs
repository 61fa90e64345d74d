namespace Fulcrum.Appliance.Stats;

/// <summary>A virtual's TCP on both sides (docs/TCP.md).</summary>
public sealed class VirtualTcpStatus
{
    public required TcpSideStatus ClientSide { get; set; }
    public required TcpSideStatus ServerSide { get; set; }
}
