using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Selection;

/// <summary>A virtual's persistence profiles for one plan: the primary and the fallback (used when the primary gives no member).</summary>
internal sealed record VirtualPersistence(PersistenceProfile? Primary, PersistenceProfile? Fallback)
{
    public bool IsEmpty => Primary is null && Fallback is null;

    public static VirtualPersistence For(VirtualPlan plan)
    {
        var config = plan.Runtime.Config;
        var fallback = config.FallbackPersistence is { } name ? plan.Snapshot.Config.Profiles.Persistence.FirstOrDefault(p => p.Name == name) : null;
        return new VirtualPersistence(plan.Runtime.Persistence, fallback);
    }

    public static bool IsCookieTable(PersistenceProfile p) => p.Method == PersistenceMethods.Cookie && p.CookieMethod == "passive";

    /// <summary>Cookie insert or rewrite: the member is named by our own cookie, no table record.</summary>
    public static bool IsCookieValue(PersistenceProfile p) => p.Method == PersistenceMethods.Cookie && p.CookieMethod != "passive";
}
