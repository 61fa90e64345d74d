using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>Transport log events (ids 4040–4049 in <see cref="EventIds"/>).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventIds.TransportStarted, LogLevel.Information, "Data plane transport {Transport} with {Loops} event loop(s)")]
    public static partial void Started(ILogger logger, string transport, int loops);

    [LoggerMessage(EventIds.TransportLoopFailed, LogLevel.Critical, "Event loop {Loop} stopped: epoll_wait failed with errno {Errno}")]
    public static partial void LoopFailed(ILogger logger, int loop, int errno);

    [LoggerMessage(EventIds.TransportHandlerFailed, LogLevel.Error, "Event loop {Loop}: a handler failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, int loop);
}
