namespace Fulcrum.Appliance.Health;

public sealed partial class HealthMonitor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HealthMemberStatusChanged, Level = LogLevel.Information, Message = "Pool '{Pool}' member {Member} is {Status} (was {Previous}): {Reason}")]
        public static partial void MemberStatusChanged(ILogger logger, string pool, string member, string status, string previous, string reason);

        [LoggerMessage(EventId = EventIds.HealthCheckStatusChanged, Level = LogLevel.Debug, Message = "Monitor '{Monitor}' on {Target} is {Status}: {Reason}")]
        public static partial void CheckStatusChanged(ILogger logger, string monitor, string target, string status, string reason);

        [LoggerMessage(EventId = EventIds.HealthMemberResumed, Level = LogLevel.Information, Message = "Pool '{Pool}' member {Member} resumed by an operator; it is {Status}")]
        public static partial void MemberResumed(ILogger logger, string pool, string member, string status);

        [LoggerMessage(EventId = EventIds.HealthReconciled, Level = LogLevel.Debug, Message = "Health checks reconciled: {Checks} checks for {Members} members ({Added} started, {Removed} stopped)")]
        public static partial void Reconciled(ILogger logger, int checks, int members, int added, int removed);

        [LoggerMessage(EventId = EventIds.HealthProbeError, Level = LogLevel.Error, Message = "Monitor '{Monitor}' failed unexpectedly probing {Target}")]
        public static partial void ProbeError(ILogger logger, Exception exception, string monitor, string target);

        [LoggerMessage(EventId = EventIds.HealthProbeStarved, Level = LogLevel.Warning, Message = "Monitor '{Monitor}' found no free probe slot for {Target} before its timeout ({Max} probes running); no verdict this round")]
        public static partial void ProbeStarved(ILogger logger, string monitor, string target, int max);

        [LoggerMessage(EventId = EventIds.HealthUnknownMonitorType, Level = LogLevel.Warning, Message = "Monitor '{Monitor}' has type '{Type}', which no probe serves; it is ignored")]
        public static partial void UnknownMonitorType(ILogger logger, string monitor, string type);

        [LoggerMessage(EventId = EventIds.HealthMemberUnmonitored, Level = LogLevel.Information, Message = "Pool '{Pool}' member {Member} has no monitor any more; it is unchecked")]
        public static partial void MemberUnmonitored(ILogger logger, string pool, string member);
    }
}
