using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Config;

internal static partial class ConfigLog
{
    [LoggerMessage(EventIds.ConfigLoaded, LogLevel.Information, "Loaded config generation {Generation} from {Path}")]
    public static partial void Loaded(ILogger logger, long generation, string path);

    [LoggerMessage(EventIds.InitialConfigCreated, LogLevel.Information, "Created the initial configuration (generation {Generation}) with the built-in objects")]
    public static partial void InitialCreated(ILogger logger, long generation);

    [LoggerMessage(EventIds.ConfigCommitted, LogLevel.Information, "Config generation {Generation} by {User}: {Summary}")]
    public static partial void Committed(ILogger logger, long generation, string user, string summary);

    [LoggerMessage(EventIds.ConfigRefused, LogLevel.Information, "Config change by {User} refused with {Count} problem(s); first: {First}")]
    public static partial void Refused(ILogger logger, string user, int count, string first);

    [LoggerMessage(EventIds.ConfigRolledBack, LogLevel.Warning, "Config rolled back to generation {Target} by {User} as generation {Generation}")]
    public static partial void RolledBack(ILogger logger, long target, string user, long generation);

    [LoggerMessage(EventIds.StoredConfigInvalid, LogLevel.Warning, "Stored generation {Generation} does not pass today's validation ({Count} problem(s); first: {First}); it is served as stored, fix it with a new change")]
    public static partial void StoredInvalid(ILogger logger, long generation, int count, string first);
}
