using Microsoft.Extensions.Logging;

namespace Fulcrum.Scripting.Runtime;

/// <summary>Rule log events (ids 7000–7099, the rules range of the appliance's EventIds).</summary>
internal static partial class RuleLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Warning, Message = "rule {Rule} failed in {Event} on {VirtualServer} connection {Connection} at line {Line}, column {Column} ({Kind}): {Error} [{Suppressed} similar lines suppressed]")]
    public static partial void Failed(ILogger logger, string rule, string @event, string virtualServer, string connection, int line, int column, string kind, string error, long suppressed);

    [LoggerMessage(EventId = 7001, Message = "rule {Rule} {Event} on {VirtualServer} connection {Connection}: {RuleMessage} [{Suppressed} lines suppressed]")]
    public static partial void Message(ILogger logger, LogLevel level, string rule, string @event, string virtualServer, string connection, string ruleMessage, long suppressed);
}
