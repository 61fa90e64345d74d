using System.Runtime.InteropServices;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>Raises this process's open-file limit (children such as fulcrum inherit it) for the many-connection tests.</summary>
public static partial class FdLimit
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    /// <summary>Tries to get at least <paramref name="wanted"/> descriptors; returns the soft limit in force afterwards.</summary>
    public static ulong Raise(ulong wanted)
    {
        if (GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return 0;
        }
        if (limit.Current >= wanted)
        {
            return limit.Current;
        }
        // Root may raise the hard limit too; others only up to it.
        var raised = new RLimit { Current = wanted, Max = Math.Max(wanted, limit.Max) };
        if (SetRLimit(RlimitNofile, raised) != 0)
        {
            raised = new RLimit { Current = Math.Min(wanted, limit.Max), Max = limit.Max };
            SetRLimit(RlimitNofile, raised);
        }
        GetRLimit(RlimitNofile, out limit);
        return limit.Current;
    }
}
