using System.Collections.Frozen;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config;

/// <summary>The registry of every stored kind, keyed by API path.</summary>
public static class ConfigKinds
{
    public static readonly ConfigKind<VirtualServer> Virtuals = new("virtuals", "virtual server", c => c.Virtuals, (c, v) => c with { Virtuals = v });
    public static readonly ConfigKind<Pool> Pools = new("pools", "pool", c => c.Pools, (c, v) => c with { Pools = v });
    public static readonly ConfigKind<Node> Nodes = new("nodes", "node", c => c.Nodes, (c, v) => c with { Nodes = v });
    public static readonly ConfigKind<Model.Monitor> Monitors = new("monitors", "monitor", c => c.Monitors, (c, v) => c with { Monitors = v });
    public static readonly ConfigKind<TcpProfile> TcpProfiles = new("profiles/tcp", "tcp profile", c => c.Profiles.Tcp, (c, v) => c with { Profiles = c.Profiles with { Tcp = v } });
    public static readonly ConfigKind<HttpProfile> HttpProfiles = new("profiles/http", "http profile", c => c.Profiles.Http, (c, v) => c with { Profiles = c.Profiles with { Http = v } });
    public static readonly ConfigKind<ClientSslProfile> ClientSslProfiles = new("profiles/client-ssl", "client-ssl profile", c => c.Profiles.ClientSsl, (c, v) => c with { Profiles = c.Profiles with { ClientSsl = v } });
    public static readonly ConfigKind<ServerSslProfile> ServerSslProfiles = new("profiles/server-ssl", "server-ssl profile", c => c.Profiles.ServerSsl, (c, v) => c with { Profiles = c.Profiles with { ServerSsl = v } });
    public static readonly ConfigKind<OneConnectProfile> OneConnectProfiles = new("profiles/oneconnect", "oneconnect profile", c => c.Profiles.OneConnect, (c, v) => c with { Profiles = c.Profiles with { OneConnect = v } });
    public static readonly ConfigKind<PersistenceProfile> PersistenceProfiles = new("profiles/persistence", "persistence profile", c => c.Profiles.Persistence, (c, v) => c with { Profiles = c.Profiles with { Persistence = v } });
    public static readonly ConfigKind<Certificate> Certificates = new("certificates", "certificate", c => c.Certificates, (c, v) => c with { Certificates = v });
    public static readonly ConfigKind<Rule> Rules = new("rules", "rule", c => c.Rules, (c, v) => c with { Rules = v });
    public static readonly ConfigKind<DataGroup> DataGroups = new("datagroups", "data group", c => c.DataGroups, (c, v) => c with { DataGroups = v });
    public static readonly ConfigKind<WideIp> WideIps = new("wideips", "wide IP", c => c.WideIps, (c, v) => c with { WideIps = v });

    public static readonly IReadOnlyList<ConfigKind> All =
    [
        Virtuals, Pools, Nodes, Monitors,
        TcpProfiles, HttpProfiles, ClientSslProfiles, ServerSslProfiles, OneConnectProfiles, PersistenceProfiles,
        Certificates, Rules, DataGroups, WideIps,
    ];

    public static readonly IReadOnlyList<ConfigKind> Profiles = [TcpProfiles, HttpProfiles, ClientSslProfiles, ServerSslProfiles, OneConnectProfiles, PersistenceProfiles];

    private static readonly FrozenDictionary<string, ConfigKind> ByPath = All.ToFrozenDictionary(k => k.Path, StringComparer.Ordinal);

    public static ConfigKind? Find(string path) => ByPath.GetValueOrDefault(path);
}
