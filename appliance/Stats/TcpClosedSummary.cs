namespace Fulcrum.Appliance.Stats;

/// <summary>TCP_INFO of one side's connections, read just before each was closed: what tuning is judged by.</summary>
public sealed class TcpClosedSummary
{
    public long Connections { get; set; }
    /// <summary>Sum of tcpi_total_retrans (segments retransmitted).</summary>
    public long Retransmits { get; set; }
    /// <summary>Connections with at least one retransmitted segment.</summary>
    public long ConnectionsWithRetransmits { get; set; }
    /// <summary>Smoothed RTT (tcpi_rtt) in microseconds: mean and largest over the closed connections.</summary>
    public long RttMeanUs { get; set; }
    public long RttMaxUs { get; set; }
    /// <summary>tcpi_delivery_rate in bytes per second: mean and largest.</summary>
    public long DeliveryRateMean { get; set; }
    public long DeliveryRateMax { get; set; }
    public long BytesSent { get; set; }
    public long BytesRetransmitted { get; set; }
}
