namespace Fulcrum.Appliance;

/// <summary>
/// Every log event id, in one place, by area: 1000 config and store, 2000 auth, 3000 management API,
/// 4000 data plane, 5000 balancing, 6000 health, 7000 rules, 8000 tls, 9000 host.
/// </summary>
internal static class EventIds
{
    public const int ConfigLoaded = 1000;
    public const int ConfigCommitted = 1001;
    public const int ConfigRefused = 1002;
    public const int ConfigRolledBack = 1003;
    public const int StoredConfigInvalid = 1004;
    public const int InitialConfigCreated = 1005;

    public const int ListenerStarted = 4000;
    public const int ListenerStopped = 4001;
    public const int ListenerBindFailed = 4002;
    public const int ListenerReconfigured = 4003;
    public const int ConnectionInternalError = 4010;
    public const int AcceptFailed = 4011;
    public const int ProxyProtocolRefused = 4012;
    public const int SnatExhausted = 4020;
    public const int TransparentRefused = 4021;
    public const int AccessLogFailed = 4030;
    public const int TransportStarted = 4040;
    public const int TransportLoopFailed = 4041;
    public const int TransportHandlerFailed = 4042;
    public const int MemoryTrimmed = 4050;
    // TLS in the data plane (8100-8199; the certificate store has 8000-8099).
    public const int TlsHandshakeFailed = 8100;
    public const int TlsMaterialFailed = 8101;
    public const int TlsServerHandshakeFailed = 8102;

    public const int ManagementListening = 3000;
    public const int ManagementUnhandled = 3001;

    public const int HealthMemberStatusChanged = 6000;
    public const int HealthCheckStatusChanged = 6001;
    public const int HealthHalfOpenFallback = 6002;
    public const int HealthMemberResumed = 6003;
    public const int HealthReconciled = 6004;
    public const int HealthProbeError = 6005;
    public const int HealthProbeStarved = 6006;
    public const int HealthUnknownMonitorType = 6007;
    public const int HealthMemberUnmonitored = 6008;

    // 7000–7099: rule runtime (Fulcrum.Scripting's RuleLog): 7000 rule failed, 7001 rule log line.
    public const int RuleFailed = 7000;
    public const int RuleMessage = 7001;
    // 7100–7199: rules in the data plane.
    public const int RuleCompileFailed = 7100;
    public const int RuleWarmFailed = 7101;
    public const int RuleVirtualRefused = 7102;

    // 8200-8299: DNS virtual servers (appliance/Dns).
    public const int DnsListening = 8200;
    public const int DnsStopped = 8201;
    public const int DnsBindFailed = 8202;
    public const int DnsInternalError = 8203;

    public const int HostStarting = 9000;
    public const int HostStopping = 9001;
    public const int AdminPasswordGenerated = 9002;
}
