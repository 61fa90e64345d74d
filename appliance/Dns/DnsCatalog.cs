using System.Collections.Frozen;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// What one dns virtual answers for in one config generation: its wide IPs by name and the zones derived from them.
/// Immutable; replaced whole when the config or the pools' member sets change. Lookups take a span of the query's
/// lower-cased name, so answering allocates no string.
/// </summary>
public sealed class DnsCatalog
{
    private readonly FrozenDictionary<string, DnsWideIpEntry>.AlternateLookup<ReadOnlySpan<char>> _wideIps;
    private readonly FrozenDictionary<string, DnsZone>.AlternateLookup<ReadOnlySpan<char>> _zones;

    private DnsCatalog(FrozenDictionary<string, DnsWideIpEntry> wideIps, FrozenDictionary<string, DnsZone> zones, DnsRules? rules)
    {
        Rules = rules;
        WideIps = wideIps;
        Zones = zones;
        _wideIps = wideIps.GetAlternateLookup<ReadOnlySpan<char>>();
        _zones = zones.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public FrozenDictionary<string, DnsWideIpEntry> WideIps { get; }

    public FrozenDictionary<string, DnsZone> Zones { get; }

    /// <summary>The virtual's DNS_REQUEST rules; null when it lists none.</summary>
    public DnsRules? Rules { get; }

    /// <summary>A wide IP's zone: its name without the first label.</summary>
    public static string ZoneOf(string name) => name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];

    public static DnsCatalog Build(VirtualServer virtualServer, FulcrumConfig config, long generation, BalancingState balancing, DnsRules? rules = null)
    {
        var wideIps = virtualServer.WideIps
            .Select(n => ConfigKinds.WideIps.Find(config, n) as WideIp)
            .Where(w => w is not null)
            .Select(w => w!)
            .ToList();
        var zones = wideIps
            .GroupBy(w => ZoneOf(w.Name), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => new DnsZone(g.Key, (uint)generation, (uint)g.Min(w => w.Ttl)), StringComparer.Ordinal);
        var entries = wideIps.ToFrozenDictionary(w => w.Name, w => new DnsWideIpEntry(w, zones[ZoneOf(w.Name)], balancing), StringComparer.Ordinal);
        return new DnsCatalog(entries, zones, rules);
    }

    public DnsWideIpEntry? WideIp(ReadOnlySpan<char> name) => _wideIps.TryGetValue(name, out var e) ? e : null;

    /// <summary>The longest zone that is <paramref name="name"/> or a suffix of it at a label boundary; <paramref name="offset"/> is where it starts in the name.</summary>
    public DnsZone? ZoneFor(ReadOnlySpan<char> name, out int offset)
    {
        offset = 0;
        while (true)
        {
            if (_zones.TryGetValue(name[offset..], out var zone))
            {
                return zone;
            }
            var dot = name[offset..].IndexOf('.');
            if (dot < 0)
            {
                return null;
            }
            offset += dot + 1;
        }
    }
}
