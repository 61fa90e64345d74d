using Fulcrum.Tests.DataPlane.Support;

namespace Fulcrum.Tests.Cluster;

/// <summary>
/// A fact that needs root (network namespaces) and keepalived. Skipped with the reason printed when either is missing,
/// unless <c>CI=true</c>: .ci/run installs keepalived and runs as root, so there it must run (and fails if it cannot).
/// </summary>
public sealed class KeepalivedFactAttribute : FactAttribute
{
    public const string Binary = "/usr/sbin/keepalived";

    public KeepalivedFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            return;
        }
        if (!RootFactAttribute.IsRoot)
        {
            Skip = "needs root (network namespaces, veth, a bridge); run as root, or set CI=true to make it fail instead of skipping";
        }
        else if (!File.Exists(Binary))
        {
            Skip = $"needs keepalived ({Binary}; apt-get install keepalived, as .ci/run does), or set CI=true to make it fail instead of skipping";
        }
    }
}
