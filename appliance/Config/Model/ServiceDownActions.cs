using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>What happens to a connection whose member goes down.</summary>
public static class ServiceDownActions
{
    public const string None = "none";
    public const string Reset = "reset";
    public const string Reselect = "reselect";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, None, Reset, Reselect);
}
