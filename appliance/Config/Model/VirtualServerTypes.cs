using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Virtual server types.</summary>
public static class VirtualServerTypes
{
    public const string Standard = "standard";
    public const string PerformanceL4 = "performance-l4";
    /// <summary>An authoritative DNS server for <see cref="VirtualServer.WideIps"/>, on UDP and TCP (docs/DNS.md).</summary>
    public const string Dns = "dns";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Standard, PerformanceL4, Dns);
}
