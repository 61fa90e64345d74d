using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>How a performance-l4 virtual server forwards packets to its members (LVS's forwarding methods).</summary>
public static class PacketForwardings
{
    /// <summary>Destination rewritten to the member, replies rewritten back; members route through the box.</summary>
    public const string Nat = "nat";
    /// <summary>Direct routing: only the destination MAC changes; members hold the virtual address and answer directly.</summary>
    public const string Dr = "dr";
    /// <summary>IP-in-IP toward the member, which decapsulates and answers directly.</summary>
    public const string Tun = "tun";
    /// <summary>Destination and source rewritten (source from <c>snatPool</c>); the client address rides in a TCP option.</summary>
    public const string FullNat = "fullnat";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Nat, Dr, Tun, FullNat);

    /// <summary>The methods the forwarder implements today; validation refuses the others by name.</summary>
    public static readonly FrozenSet<string> Implemented = FrozenSet.Create(StringComparer.Ordinal, Nat, Dr, Tun, FullNat);
}
