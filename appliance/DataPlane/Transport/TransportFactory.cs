using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// Picks the transport: the epoll event loops on Linux, System.Net.Sockets elsewhere. <c>FULCRUM_TRANSPORT</c>
/// (<c>epoll</c> or <c>sockets</c>) forces one; <c>FULCRUM_LOOPS</c> sets the number of loops (default: the cores
/// this process may run on, which respects taskset and cgroup limits).
/// </summary>
public static class TransportFactory
{
    public const string TransportVariable = "FULCRUM_TRANSPORT";
    public const string LoopsVariable = "FULCRUM_LOOPS";

    public static ITransport Create(ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Fulcrum.Appliance.DataPlane.Transport");
        var wanted = Environment.GetEnvironmentVariable(TransportVariable)?.Trim().ToLowerInvariant();
        var loops = int.TryParse(Environment.GetEnvironmentVariable(LoopsVariable), out var n) && n > 0 ? Math.Min(n, 256) : Environment.ProcessorCount;
        ITransport transport = wanted switch
        {
            "sockets" => new Sockets.SocketsTransport(logger),
            "epoll" or null or "" when Epoll.Native.IsSupported => new Epoll.EpollTransport(loops, logger),
            "epoll" => throw new PlatformNotSupportedException("FULCRUM_TRANSPORT=epoll needs Linux"),
            null or "" => new Sockets.SocketsTransport(logger),
            _ => throw new ArgumentException($"{TransportVariable} must be 'epoll' or 'sockets', not '{wanted}'"),
        };
        TransportLog.Started(logger, transport.Name, transport.Loops);
        return transport;
    }
}
