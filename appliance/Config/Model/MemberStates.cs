using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Administrative state of a member or node.</summary>
public static class MemberStates
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string ForcedOffline = "forced-offline";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Enabled, Disabled, ForcedOffline);
}
