namespace Fulcrum.Appliance.Stats;

/// <summary>
/// The proxy buffer marks at work on one side of a virtual's L4 connections, since start: a pause is an L4 pump that
/// held proxyBufferHigh bytes from this side and stopped reading it (the receiver on the other side was slower); a
/// resume, the same pump reading again once at most proxyBufferLow remained. HTTP virtuals copy one segment at a time
/// and count neither (docs/TCP.md).
/// </summary>
public sealed class ProxyBufferSummary
{
    public long Pauses { get; set; }
    public long Resumes { get; set; }
}
