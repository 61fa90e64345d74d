using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>TCP behaviour of both sides of a full-proxy connection. Times in seconds, sizes in bytes.</summary>
public sealed record TcpProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.Tcp;
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Seconds to wait for a member to accept before trying the next one (and raising LB_FAILED).</summary>
    public int ConnectTimeout { get; init; } = 5;
    public int IdleTimeout { get; init; } = 300;
    /// <summary>
    /// Seconds a rule's <c>ctx.tcp.collect(n)</c> waits for its bytes (HAProxy's <c>tcp-request inspect-delay</c>): then
    /// CLIENT_DATA / SERVER_DATA runs with what arrived and <c>ctx.tcp.timedOut</c> true. 0: wait up to the idle timeout.
    /// </summary>
    public int CollectTimeout { get; init; } = 5;
    public bool NoDelay { get; init; } = true;
    public int KeepAliveInterval { get; init; } = 1800;
    public int SendBufferSize { get; init; } = 65536;
    public int ReceiveBufferSize { get; init; } = 65536;
    /// <summary>Bytes buffered one way before the proxy stops reading from the sender.</summary>
    public int ProxyBufferHigh { get; init; } = 131072;
    /// <summary>Bytes below which the proxy reads from the sender again.</summary>
    public int ProxyBufferLow { get; init; } = 98304;
    /// <summary>PROXY protocol header sent to the member: <c>none | v1 | v2</c>.</summary>
    public string ProxyProtocol { get; init; } = "none";
    /// <summary>Client addresses (CIDR) whose PROXY protocol header is accepted.</summary>
    public ImmutableArray<string> AcceptProxyProtocolFrom { get; init; } = [];
}
