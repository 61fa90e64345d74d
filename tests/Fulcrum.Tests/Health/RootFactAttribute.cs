namespace Fulcrum.Tests.Health;

/// <summary>
/// A fact that needs root (raw sockets, network namespaces). Without root it is skipped with the reason printed,
/// except when <c>CI=true</c>: there it runs, and fails if it cannot do its work.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot && !IsCi)
        {
            Skip = "needs root (raw sockets / network namespaces); run as root, or set CI=true to make this a failure instead of a skip";
        }
    }

    public static bool IsRoot => Environment.UserName == "root" || geteuid() == 0;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
