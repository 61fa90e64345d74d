using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>HTTP/1.1 full-proxy behaviour and limits.</summary>
public sealed record HttpProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.Http;
    public required string Name { get; init; }
    public string? Description { get; init; }
    public bool InsertXForwardedFor { get; init; }
    public bool InsertXForwardedProto { get; init; }
    public bool InsertVia { get; init; }
    /// <summary>Client addresses (CIDR) whose own X-Forwarded-For is kept and trusted; others' is replaced.</summary>
    public ImmutableArray<string> TrustedXForwardedFor { get; init; } = [];
    /// <summary><c>pass | remove | replace</c> for the response's Server header.</summary>
    public string ServerHeaderAction { get; init; } = "pass";
    public string? ServerHeaderValue { get; init; }
    public int MaxRequestLineBytes { get; init; } = 8192;
    public int MaxHeaderBytes { get; init; } = 32768;
    public int MaxHeaderCount { get; init; } = 100;
    /// <summary>Seconds allowed to receive a whole request header block (slowloris bound).</summary>
    public int HeaderTimeout { get; init; } = 10;
    public int KeepAliveTimeout { get; init; } = 60;
    /// <summary>Requests served on one client connection before it is closed; 0 means no limit.</summary>
    public int MaxRequests { get; init; }
    /// <summary>Writes one access-log line per request to DATA/logs/access.log (off by default).</summary>
    public bool AccessLog { get; init; }
    /// <summary>Access-log format with HAProxy-style variables (%ci %cp %t %f %b %s %Tc %Tr %Ta %ST %B %ts %r); null: the httplog-like default.</summary>
    public string? AccessLogFormat { get; init; }
    /// <summary>
    /// Whether <c>CONNECT host:port</c> is forwarded to a member (and tunnelled on its 2xx). Off by default: a reverse
    /// proxy refuses it with 405 rather than let clients open tunnels to wherever a member can reach.
    /// </summary>
    public bool AllowConnect { get; init; }
    /// <summary>Status answered when a rule fails at run time: 500 here, or 0 to reset the connection.</summary>
    public int RuleErrorStatus { get; init; } = 500;
}
