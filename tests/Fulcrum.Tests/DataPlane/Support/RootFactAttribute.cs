using System.Runtime.InteropServices;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>
/// A fact that needs root (network namespaces, IP_TRANSPARENT). Skipped with the reason printed when not root, unless
/// <c>CI=true</c>: in CI it must run, so it is not skipped there (and fails if CI is not root).
/// </summary>
public sealed partial class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (GetEuid() != 0 && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "needs root (network namespaces, veth, IP_TRANSPARENT); run as root, or set CI=true to make it fail instead of skipping";
        }
    }

    public static bool IsRoot => GetEuid() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
