using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Data group key types.</summary>
public static class DataGroupTypes
{
    public const string String = "string";
    public const string Address = "address";
    public const string Integer = "integer";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, String, Address, Integer);
}
