using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Source address translation modes of a virtual server.</summary>
public static class SourceTranslations
{
    public const string None = "none";
    public const string Automap = "automap";
    public const string Snat = "snat";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, None, Automap, Snat);
}
