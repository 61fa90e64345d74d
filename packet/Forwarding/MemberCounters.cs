namespace Fulcrum.Packet.Forwarding;

/// <summary>One member's packet counters in one virtual's forwarder; "in" is written by the client-side thread, "out" by the server side.</summary>
public sealed class MemberCounters
{
    internal long PacketsIn;
    internal long BytesIn;
    internal long PacketsOut;
    internal long BytesOut;
    internal long Flows;

    public long InPackets => Volatile.Read(ref PacketsIn);
    public long InBytes => Volatile.Read(ref BytesIn);
    public long OutPackets => Volatile.Read(ref PacketsOut);
    public long OutBytes => Volatile.Read(ref BytesOut);
    public long TotalFlows => Volatile.Read(ref Flows);
}
