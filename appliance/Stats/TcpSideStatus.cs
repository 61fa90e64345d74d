namespace Fulcrum.Appliance.Stats;

/// <summary>One side (client or server) of a virtual's TCP: the profile, the options in force, closed-connection figures.</summary>
public sealed class TcpSideStatus
{
    public required string Profile { get; set; }
    /// <summary>Null until a connection on this side was set up.</summary>
    public TcpOptionsInForce? Options { get; set; }
    /// <summary>The last option the kernel refused (<c>field: errno</c>), or null.</summary>
    public string? RefusedOption { get; set; }
    /// <summary>How often L4 pumps stopped reading from this side at proxyBufferHigh and read again at proxyBufferLow.</summary>
    public ProxyBufferSummary ProxyBuffer { get; set; } = new();
    public TcpClosedSummary Closed { get; set; } = new();
}
