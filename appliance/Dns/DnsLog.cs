using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Dns;

/// <summary>DNS log events (ids 8200–8299 in <see cref="EventIds"/>). Nothing is logged per query: queries are counted.</summary>
internal static partial class DnsLog
{
    [LoggerMessage(EventIds.DnsListening, LogLevel.Information, "DNS virtual server {Virtual} listening on {Destination} (UDP and TCP)")]
    public static partial void Listening(ILogger logger, string @virtual, string destination);

    [LoggerMessage(EventIds.DnsStopped, LogLevel.Information, "DNS virtual server {Virtual} stopped listening on {Destination}")]
    public static partial void Stopped(ILogger logger, string @virtual, string destination);

    [LoggerMessage(EventIds.DnsBindFailed, LogLevel.Error, "DNS virtual server {Virtual} cannot listen on {Destination}: {Error}")]
    public static partial void BindFailed(ILogger logger, string @virtual, string destination, string error);

    [LoggerMessage(EventIds.DnsInternalError, LogLevel.Error, "DNS virtual server {Virtual}: a query failed inside the server; the server goes on")]
    public static partial void InternalError(ILogger logger, string @virtual, Exception exception);
}
