namespace Fulcrum.Packet.Forwarding;

/// <summary>A virtual's packet counters: in (client to member) from the client-side thread, out (member to client) from the server side, drops by reason.</summary>
public sealed class VirtualCounters
{
    internal long PacketsIn;
    internal long BytesIn;
    internal long PacketsOut;
    internal long BytesOut;
    internal long Flows;
    internal long ArpReplies;
    internal long ToaMissing;
    internal readonly long[] Drops = new long[Enum.GetValues<DropReason>().Length];

    public long InPackets => Volatile.Read(ref PacketsIn);
    public long InBytes => Volatile.Read(ref BytesIn);
    public long OutPackets => Volatile.Read(ref PacketsOut);
    public long OutBytes => Volatile.Read(ref BytesOut);
    public long TotalFlows => Volatile.Read(ref Flows);
    public long ArpAnswered => Volatile.Read(ref ArpReplies);
    /// <summary>FULLNAT SYNs forwarded without TOA: their TCP header had no room left for the option.</summary>
    public long ToaNoSpace => Volatile.Read(ref ToaMissing);

    public long Dropped(DropReason reason) => Interlocked.Read(ref Drops[(int)reason]);

    internal void Drop(DropReason reason) => Interlocked.Increment(ref Drops[(int)reason]);
}
