using System.Collections.Frozen;
using System.Net;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Runtime;

/// <summary>
/// The immutable runtime model of one config generation, compiled for the data plane: lookups by name are frozen
/// dictionaries, addresses are parsed, profiles are resolved. Replaced whole on every change; never edited.
/// Live counters and health live beside it (on per-member state objects), not in it.
/// </summary>
public sealed class RuntimeSnapshot
{
    internal RuntimeSnapshot(long generation, FulcrumConfig config, FrozenDictionary<string, RuntimeVirtual> virtuals, FrozenDictionary<string, RuntimePool> pools)
    {
        Generation = generation;
        Config = config;
        Virtuals = virtuals;
        Pools = pools;
    }

    public long Generation { get; }

    public FulcrumConfig Config { get; }

    public FrozenDictionary<string, RuntimeVirtual> Virtuals { get; }

    public FrozenDictionary<string, RuntimePool> Pools { get; }

    public static RuntimeSnapshot Empty { get; } = RuntimeCompiler.Compile(0, FulcrumConfig.Default);
}

/// <summary>A virtual server resolved for the data plane.</summary>
public sealed record RuntimeVirtual(VirtualServer Config, IPEndPoint Destination, RuntimePool? Pool, TcpProfile Tcp, HttpProfile? Http, OneConnectProfile? OneConnect, PersistenceProfile? Persistence)
{
    public string Name => Config.Name;

    /// <summary>TLS terminated on the client side, when the virtual names a client-ssl profile.</summary>
    public ClientSslProfile? ClientSsl { get; init; }

    /// <summary>TLS toward members, when the virtual names a server-ssl profile.</summary>
    public ServerSslProfile? ServerSsl { get; init; }

    /// <summary>The tcp profile of the client side: <c>clientSideTcp</c>, else <see cref="Tcp"/>.</summary>
    public TcpProfile ClientTcp { get; init; } = Tcp;

    /// <summary>The tcp profile of the server side: <c>serverSideTcp</c>, else <see cref="Tcp"/>.</summary>
    public TcpProfile ServerTcp { get; init; } = Tcp;
}

/// <summary>A pool resolved for the data plane, with members' addresses parsed.</summary>
public sealed record RuntimePool(Pool Config, IReadOnlyList<RuntimeMember> Members)
{
    public string Name => Config.Name;
}

public sealed record RuntimeMember(PoolMember Config, IPEndPoint EndPoint)
{
    public string Key => Config.Key;

    /// <summary>
    /// The administrative state that governs the member: the stricter of its own state and its node's (a node is
    /// matched by address). Compiled once; the pick path compares an enum, not strings.
    /// </summary>
    public MemberAdminState AdminState { get; init; } = MemberAdminStates.Parse(Config.State);
}

/// <summary>Administrative state, strictest last: <c>enabled</c> &lt; <c>disabled</c> &lt; <c>forced-offline</c>.</summary>
public enum MemberAdminState
{
    /// <summary>New, persisted and existing connections.</summary>
    Enabled,
    /// <summary>Persisted and existing connections only; no new picks.</summary>
    Disabled,
    /// <summary>Existing connections only; not even persisted clients.</summary>
    ForcedOffline,
}

public static class MemberAdminStates
{
    public static MemberAdminState Parse(string? state) => state switch
    {
        MemberStates.Disabled => MemberAdminState.Disabled,
        MemberStates.ForcedOffline => MemberAdminState.ForcedOffline,
        _ => MemberAdminState.Enabled,
    };

    public static MemberAdminState Strictest(MemberAdminState a, MemberAdminState b) => a > b ? a : b;
}
