using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>A health monitor. Times are in seconds, as in LTM.</summary>
public sealed record Monitor : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>tcp | tcp-half-open | http | https | udp | icmp | external</c>.</summary>
    public required string Type { get; init; }
    public int Interval { get; init; } = 5;
    /// <summary>Seconds without a good answer before a member is marked down; LTM's default is 3×interval+1.</summary>
    public int Timeout { get; init; } = 16;
    /// <summary>Interval used while the member is up; 0 means use <see cref="Interval"/>.</summary>
    public int UpInterval { get; init; }
    /// <summary>Seconds a member must keep passing before it is marked up.</summary>
    public int TimeUntilUp { get; init; }
    /// <summary>When set, a member marked down stays down until an operator resumes it.</summary>
    public bool ManualResume { get; init; }
    public string? Send { get; init; }
    /// <summary>A regular expression the answer must match.</summary>
    public string? Receive { get; init; }
    /// <summary>A regular expression that, when matched, marks the member disabled rather than down.</summary>
    public string? ReceiveDisable { get; init; }
    /// <summary>For http and https: status codes counted as up; empty means any 2xx or 3xx.</summary>
    public ImmutableArray<int> ExpectedStatusCodes { get; init; } = [];
    /// <summary>Alias destination <c>*:*</c> (the member), <c>*:PORT</c> or <c>IP:PORT</c>.</summary>
    public string Destination { get; init; } = "*:*";
    /// <summary>For external monitors: the program run with the member's address and port.</summary>
    public string? Program { get; init; }
    public ImmutableArray<string> Arguments { get; init; } = [];
    /// <summary>For https: a server-ssl profile whose SNI, certificate check, client certificate, protocols and ciphers the probe uses; none: any certificate is accepted (as LTM).</summary>
    public string? ServerSsl { get; init; }
}
