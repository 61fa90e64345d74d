using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Health monitor types.</summary>
public static class MonitorTypes
{
    public const string Tcp = "tcp";
    public const string TcpHalfOpen = "tcp-half-open";
    public const string Http = "http";
    public const string Https = "https";
    public const string Udp = "udp";
    public const string Icmp = "icmp";
    public const string External = "external";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Tcp, TcpHalfOpen, Http, Https, Udp, Icmp, External);
}
