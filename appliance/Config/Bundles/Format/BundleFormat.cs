using System.Reflection;

namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>The bundle format this fulcrum writes, and what it writes into every manifest about itself.</summary>
public static class BundleFormat
{
    /// <summary>Raised whenever the layout or an object's shape changes; older bundles are migrated up to it.</summary>
    public const int Current = 1;

    public const string Product = "fulcrum";

    public static string ProductVersion { get; } =
        typeof(BundleFormat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(BundleFormat).Assembly.GetName().Version?.ToString() ?? "0";
}
