using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Selection;

/// <summary>A virtual's persistence profiles for one plan: the primary and the fallback (used when the primary gives no member).</summary>
internal sealed record VirtualPersistence(PersistenceProfile? Primary, PersistenceProfile? Fallback)
{
    /// <summary>
    /// <c>ctx.persist.source()</c> on a virtual without a source-address profile: the profile defaults (mask
    /// 255.255.255.255, which keeps the whole address for IPv4 and IPv6 alike; 180 s unless the rule gives a timeout).
    /// </summary>
    public static readonly PersistenceProfile RuleSource = new() { Name = "rule:source", Method = PersistenceMethods.SourceAddress };

    /// <summary><c>ctx.persist.universal()</c> on a virtual without a universal profile: the profile defaults.</summary>
    public static readonly PersistenceProfile RuleUniversal = new() { Name = "rule:universal", Method = PersistenceMethods.Universal };

    public bool IsEmpty => Primary is null && Fallback is null;

    public static VirtualPersistence For(VirtualPlan plan)
    {
        var config = plan.Runtime.Config;
        var fallback = config.FallbackPersistence is { } name ? plan.Snapshot.Config.Profiles.Persistence.FirstOrDefault(p => p.Name == name) : null;
        return new VirtualPersistence(plan.Runtime.Persistence, fallback);
    }

    /// <summary>
    /// The profile a rule's persistence of <paramref name="method"/> adds in front of the virtual's: null when there is
    /// none asked for or the virtual's primary or fallback has that method (then that profile serves it, with its mask,
    /// timeout, matchAcrossVirtuals and overrideConnectionLimit), else the rule's default profile.
    /// </summary>
    public PersistenceProfile? RuleProfile(string? method)
    {
        if (method is null || Primary?.Method == method || Fallback?.Method == method)
        {
            return null;
        }
        return method == PersistenceMethods.SourceAddress ? RuleSource : RuleUniversal;
    }

    public static bool IsCookieTable(PersistenceProfile p) => p.Method == PersistenceMethods.Cookie && p.CookieMethod == "passive";

    /// <summary>Cookie insert or rewrite: the member is named by our own cookie, no table record.</summary>
    public static bool IsCookieValue(PersistenceProfile p) => p.Method == PersistenceMethods.Cookie && p.CookieMethod != "passive";
}
