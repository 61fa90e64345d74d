namespace Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

/// <summary>Both sides' telemetry of one virtual, kept across generations (like its traffic counters).</summary>
public sealed class VirtualTcpTelemetry
{
    public TcpSideTelemetry ClientSide { get; } = new();

    public TcpSideTelemetry ServerSide { get; } = new();
}
