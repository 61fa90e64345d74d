using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>The record types a wide IP answers.</summary>
public static class WideIpTypes
{
    public const string A = "A";
    public const string Aaaa = "AAAA";
    public const string Cname = "CNAME";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, A, Aaaa, Cname);
}
