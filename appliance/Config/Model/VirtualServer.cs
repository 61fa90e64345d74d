using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>A virtual server: where clients connect, and what happens to their traffic.</summary>
public sealed record VirtualServer : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>ip:port</c>; IPv6 as <c>[::1]:443</c>.</summary>
    public required string Destination { get; init; }
    /// <summary><c>standard</c> (full proxy) or <c>performance-l4</c> (packet mode).</summary>
    public string Type { get; init; } = VirtualServerTypes.Standard;
    /// <summary><c>tcp</c> (and later <c>udp</c>).</summary>
    public string Protocol { get; init; } = "tcp";
    public string? Pool { get; init; }
    /// <summary>Profile names of any kind; at most one per kind.</summary>
    public ImmutableArray<string> Profiles { get; init; } = ["tcp"];
    /// <summary>The tcp profile of the client side (accepted connections, the listener); null: the tcp profile in <see cref="Profiles"/>.</summary>
    public string? ClientSideTcp { get; init; }
    /// <summary>The tcp profile of the server side (connections to members); null: the tcp profile in <see cref="Profiles"/>.</summary>
    public string? ServerSideTcp { get; init; }
    /// <summary>Rule names in the order they run.</summary>
    public ImmutableArray<string> Rules { get; init; } = [];
    /// <summary>A persistence profile name, or null.</summary>
    public string? Persistence { get; init; }
    public string? FallbackPersistence { get; init; }
    /// <summary><c>none | automap | snat</c>; <c>snat</c> binds to the addresses in <see cref="SnatPool"/>.</summary>
    public string SourceAddressTranslation { get; init; } = SourceTranslations.Automap;
    public ImmutableArray<string> SnatPool { get; init; } = [];
    /// <summary>performance-l4 only: <c>nat | dr | tun | fullnat</c> (<see cref="PacketForwardings"/>); null means nat.</summary>
    public string? Forwarding { get; init; }
    /// <summary>performance-l4 only: the interface clients' packets arrive on (the virtual address is answered there).</summary>
    public string? ClientInterface { get; init; }
    /// <summary>performance-l4 only: the interface toward members; null means the client interface.</summary>
    public string? ServerInterface { get; init; }
    /// <summary>Concurrent client connections allowed; 0 means no limit.</summary>
    public int ConnectionLimit { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>Type <c>dns</c>: the wide IPs this virtual answers for.</summary>
    public ImmutableArray<string> WideIps { get; init; } = [];
    /// <summary>Type <c>dns</c>: UDP responses per second to one client /24 (IPv6: /56) before response rate limiting drops or slips them; 0: off; null: 200.</summary>
    public int? ResponseRateLimit { get; init; }
}
