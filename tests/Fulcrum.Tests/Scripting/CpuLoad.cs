using System.Runtime.InteropServices;

namespace Fulcrum.Tests.Scripting;

/// <summary>
/// Busy threads pinned to one CPU, and a way to pin the calling thread to the same CPU: a thread pinned with them gets a
/// fraction of that CPU, so its wall-clock time stretches well past its CPU time, whatever else the machine runs.
/// </summary>
internal sealed partial class CpuLoad : IDisposable
{
    public const int Cpu = 0;

    private readonly Thread[] _threads;
    private volatile bool _stop;

    public CpuLoad(int threads)
    {
        _threads = [.. Enumerable.Range(0, threads).Select(_ => new Thread(Spin) { IsBackground = true })];
        foreach (var t in _threads)
        {
            t.Start();
        }
    }

    /// <summary>Pins the calling thread to <see cref="Cpu"/>; false where that is not possible (not Linux).</summary>
    public static bool PinCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        ulong mask = 1UL << Cpu;
        return SchedSetAffinity(0, sizeof(ulong), ref mask) == 0;
    }

    /// <summary>Lets the calling thread run on every CPU again.</summary>
    public static void UnpinCurrentThread()
    {
        if (OperatingSystem.IsLinux())
        {
            ulong mask = Environment.ProcessorCount >= 64 ? ulong.MaxValue : (1UL << Environment.ProcessorCount) - 1;
            SchedSetAffinity(0, sizeof(ulong), ref mask);
        }
    }

    private void Spin()
    {
        PinCurrentThread();
        var x = 0L;
        while (!_stop)
        {
            x++;
        }
        GC.KeepAlive(x);
    }

    public void Dispose()
    {
        _stop = true;
        foreach (var t in _threads)
        {
            t.Join();
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity")]
    private static partial int SchedSetAffinity(int pid, nint size, ref ulong mask);
}
