using Fulcrum.Appliance.Stats;
using Fulcrum.Packet;
using Fulcrum.Packet.Forwarding;

namespace Fulcrum.Appliance.DataPlane.Packet;

/// <summary>
/// Packet mode in /metrics: <c>fulcrum_packet_virtual_*</c> (label <c>virtual</c>; drops also <c>reason</c>) and
/// <c>fulcrum_packet_member_*</c> (labels <c>virtual</c>, <c>member</c> as address:port). "in" is client to member,
/// "out" member to client (zero for dr and tun, whose replies bypass the box).
/// </summary>
public static class PacketMetrics
{
    public static void Write(PrometheusText text, IReadOnlyList<VirtualForwarder> forwarders)
    {
        var virtuals = forwarders.OrderBy(f => f.Config.Name, StringComparer.Ordinal).ToArray();
        text.Family("fulcrum_packet_virtual_connections_current", "gauge", "Flows in the packet-mode virtual server's connection table.");
        foreach (var f in virtuals)
        {
            text.Sample("fulcrum_packet_virtual_connections_current", f.ActiveFlows, [("virtual", f.Config.Name)]);
        }
        text.Family("fulcrum_packet_virtual_drops_total", "counter", "Packets the packet-mode virtual server dropped, by reason.");
        foreach (var f in virtuals)
        {
            foreach (var reason in Enum.GetValues<DropReason>())
            {
                text.Sample("fulcrum_packet_virtual_drops_total", f.Counters.Dropped(reason), [("virtual", f.Config.Name), ("reason", DropNames.Of(reason))]);
            }
        }
        var members = virtuals.SelectMany(f => f.Members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (Labels: new[] { ("virtual", f.Config.Name), ("member", m.Key) }, Counters: m.Value))).ToArray();
        Series(text, "fulcrum_packet_member_connections_total", "Flows opened toward the member.", members, c => c.TotalFlows);
        Series(text, "fulcrum_packet_member_packets_in_total", "Packets forwarded to the member (client to member).", members, c => c.InPackets);
        Series(text, "fulcrum_packet_member_bytes_in_total", "Bytes forwarded to the member (frames, client to member).", members, c => c.InBytes);
        Series(text, "fulcrum_packet_member_packets_out_total", "The member's packets mapped back to clients (nat, fullnat).", members, c => c.OutPackets);
        Series(text, "fulcrum_packet_member_bytes_out_total", "The member's bytes mapped back to clients (frames; nat, fullnat).", members, c => c.OutBytes);
    }

    private static void Series(PrometheusText text, string name, string help, (ValueTuple<string, string>[] Labels, MemberCounters Counters)[] rows, Func<MemberCounters, long> value)
    {
        text.Family(name, "counter", help);
        foreach (var (labels, c) in rows)
        {
            text.Sample(name, value(c), labels);
        }
    }
}
