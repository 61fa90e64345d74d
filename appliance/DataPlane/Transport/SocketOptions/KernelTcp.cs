namespace Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

/// <summary>
/// What this kernel offers for TCP tuning, read from /proc/sys each time (a sysctl may change while we run): the
/// congestion control algorithms, the smallest socket buffers, the listen backlog cap. Validation refuses what is not
/// here, so a saved profile is one the kernel can apply.
/// </summary>
public static class KernelTcp
{
    private const string Ipv4 = "/proc/sys/net/ipv4/";

    /// <summary>tcp_available_congestion_control (empty where /proc is not there).</summary>
    public static IReadOnlyList<string> AvailableCongestionControl() =>
        Read(Ipv4 + "tcp_available_congestion_control")?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>The default algorithm of new sockets (tcp_congestion_control).</summary>
    public static string? DefaultCongestionControl() => Read(Ipv4 + "tcp_congestion_control")?.Trim();

    /// <summary>The first (minimum) field of tcp_wmem: the smallest send buffer the kernel gives a TCP socket.</summary>
    public static int MinSendBuffer() => FirstField(Ipv4 + "tcp_wmem", 4096);

    /// <summary>The first (minimum) field of tcp_rmem.</summary>
    public static int MinReceiveBuffer() => FirstField(Ipv4 + "tcp_rmem", 4096);

    /// <summary>net.core.somaxconn: listen() silently caps its backlog at this.</summary>
    public static int SoMaxConn() => FirstField("/proc/sys/net/core/somaxconn", 4096);

    /// <summary>net.ipv4.tcp_fastopen: bit 1 lets connect() use Fast Open, bit 2 lets listeners accept it.</summary>
    public static int FastOpen() => FirstField(Ipv4 + "tcp_fastopen", 0);

    private static int FirstField(string path, int fallback)
    {
        var text = Read(path);
        if (text is null)
        {
            return fallback;
        }
        var first = text.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : fallback;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
