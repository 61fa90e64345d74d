using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Management;

internal static partial class ManagementLog
{
    [LoggerMessage(EventIds.ManagementListening, LogLevel.Information, "Management API listening on {Url} (API reference at /scalar, OpenAPI at /openapi/v1.json)")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventIds.ManagementUnhandled, LogLevel.Error, "Unhandled error in {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
