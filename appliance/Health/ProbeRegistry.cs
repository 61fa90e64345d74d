using System.Collections.Frozen;

namespace Fulcrum.Appliance.Health;

/// <summary>The probe for each monitor type, as registered (one <see cref="IHealthProbe"/> per type).</summary>
public sealed class ProbeRegistry
{
    private readonly FrozenDictionary<string, IHealthProbe> _probes;

    public ProbeRegistry(IEnumerable<IHealthProbe> probes)
    {
        _probes = probes.ToFrozenDictionary(p => p.Type, StringComparer.Ordinal);
    }

    public IHealthProbe? For(string type) => _probes.GetValueOrDefault(type);
}
