using System.Net.Sockets;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Appliance.Dns;

/// <summary>A wide IP compiled for answering: its record type, zone, member picker, and every RDATA encoded in advance.</summary>
public sealed class DnsWideIpEntry
{
    private readonly byte[][] _memberData;
    private readonly byte[][] _cnameByPool;

    public DnsWideIpEntry(WideIp config, DnsZone zone, BalancingState balancing)
    {
        Config = config;
        Zone = zone;
        Type = config.Type switch { WideIpTypes.Aaaa => DnsTypes.Aaaa, WideIpTypes.Cname => DnsTypes.Cname, _ => DnsTypes.A };
        var family = Type switch { DnsTypes.A => AddressFamily.InterNetwork, DnsTypes.Aaaa => AddressFamily.InterNetworkV6, _ => AddressFamily.Unspecified };
        Picker = WideIpMemberPicker.Create(config, balancing, family);
        _memberData = [.. Enumerable.Range(0, Picker.Count).Select(i => Picker.Member(i).EndPoint.Address.GetAddressBytes())];
        _cnameByPool = [.. config.Pools.Select(p => config.Cnames.TryGetValue(p, out var t) ? DnsWriter.EncodeName(t) ?? [0] : [0])];
        Fallback = config.Fallback is null ? null
            : Type == DnsTypes.Cname ? DnsWriter.EncodeName(config.Fallback)
            : System.Net.IPAddress.TryParse(config.Fallback, out var ip) ? ip.GetAddressBytes() : null;
        Topology = [.. config.Topology.Select(t => TopologyEntry.Parse(t.Subnet, config.Pools.IndexOf(t.Pool)))
            .Where(t => t is not null).Select(t => t!.Value).OrderByDescending(t => t.Prefix)];
    }

    public WideIp Config { get; }

    public DnsZone Zone { get; }

    /// <summary>The RR type answered: A, AAAA or CNAME.</summary>
    public ushort Type { get; }

    public uint Ttl => (uint)Config.Ttl;

    public int MaxAnswers => Config.MaxAnswers;

    public WideIpMemberPicker Picker { get; }

    /// <summary>Address bytes (A, AAAA) or an encoded name (CNAME) answered when no member is up; null: NODATA.</summary>
    public byte[]? Fallback { get; }

    /// <summary>Topology records, longest prefix first; empty unless the method is topology.</summary>
    public TopologyEntry[] Topology { get; }

    /// <summary>The RDATA for member <paramref name="index"/>: its address bytes, or for CNAME its pool's target.</summary>
    public ReadOnlySpan<byte> Data(int index) => Type == DnsTypes.Cname ? _cnameByPool[Picker.PoolOf(index)] : _memberData[index];

    /// <summary>The pool position the client's subnet maps to by topology, or -1.</summary>
    public int TopologyPool(in ClientSubnet client)
    {
        foreach (var t in Topology)
        {
            if (t.Matches(client))
            {
                return t.Pool;
            }
        }
        return -1;
    }
}
