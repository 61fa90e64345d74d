using System.Collections.Concurrent;

namespace Fulcrum.Appliance.Dns;

/// <summary>Every dns virtual server's counters by name (status and /metrics read them).</summary>
public sealed class DnsCounters
{
    private readonly ConcurrentDictionary<string, DnsVirtualCounters> _virtuals = new(StringComparer.Ordinal);

    public DnsVirtualCounters Virtual(string name) => _virtuals.GetOrAdd(name, _ => new DnsVirtualCounters());

    public IEnumerable<KeyValuePair<string, DnsVirtualCounters>> Virtuals => _virtuals;
}
