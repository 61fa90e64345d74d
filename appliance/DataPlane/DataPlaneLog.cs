using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane;

/// <summary>Data-plane log events (ids 4000–4999 in <see cref="EventIds"/>). Nothing here is logged per request.</summary>
internal static partial class DataPlaneLog
{
    [LoggerMessage(EventIds.ListenerStarted, LogLevel.Information, "Virtual server {Virtual} listening on {Destination}")]
    public static partial void ListenerStarted(ILogger logger, string @virtual, string destination);

    [LoggerMessage(EventIds.ListenerStopped, LogLevel.Information, "Virtual server {Virtual} stopped listening on {Destination}")]
    public static partial void ListenerStopped(ILogger logger, string @virtual, string destination);

    [LoggerMessage(EventIds.ListenerBindFailed, LogLevel.Error, "Virtual server {Virtual} cannot listen on {Destination}: {Error}")]
    public static partial void ListenerBindFailed(ILogger logger, string @virtual, string destination, string error);

    [LoggerMessage(EventIds.ListenerReconfigured, LogLevel.Debug, "Virtual server {Virtual} reconfigured (generation {Generation}); established connections keep theirs")]
    public static partial void ListenerReconfigured(ILogger logger, string @virtual, long generation);

    [LoggerMessage(EventIds.ConnectionInternalError, LogLevel.Error, "Virtual server {Virtual}: connection ended by an internal error")]
    public static partial void ConnectionInternalError(ILogger logger, Exception exception, string @virtual);

    [LoggerMessage(EventIds.AcceptFailed, LogLevel.Warning, "Virtual server {Virtual}: accept failed: {Error}")]
    public static partial void AcceptFailed(ILogger logger, string @virtual, string error);

    [LoggerMessage(EventIds.ProxyProtocolRefused, LogLevel.Debug, "Virtual server {Virtual}: PROXY header from {Client} refused: {Error}")]
    public static partial void ProxyProtocolRefused(ILogger logger, string @virtual, string client, string error);

    [LoggerMessage(EventIds.SnatExhausted, LogLevel.Warning, "Virtual server {Virtual}: no free source port on any SNAT address toward {Member}")]
    public static partial void SnatExhausted(ILogger logger, string @virtual, string member);

    [LoggerMessage(EventIds.TransparentRefused, LogLevel.Error, "Virtual server {Virtual}: {Error}")]
    public static partial void TransparentRefused(ILogger logger, string @virtual, string error);

    [LoggerMessage(EventIds.AccessLogFailed, LogLevel.Error, "Access log cannot be written to {Path}")]
    public static partial void AccessLogFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventIds.MemoryTrimmed, LogLevel.Information, "Connections fell from {Peak} to {Live}: memory given back, working set {BeforeMiB} -> {AfterMiB} MiB, managed heap {HeapMiB} MiB live of {CommittedMiB} MiB committed (full collection, {Milliseconds} ms)")]
    public static partial void MemoryTrimmed(ILogger logger, int peak, int live, long beforeMiB, long afterMiB, long heapMiB, long committedMiB, long milliseconds);
}
