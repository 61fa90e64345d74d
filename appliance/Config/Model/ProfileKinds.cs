using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Profile kinds; each is a path segment under /api/v1/profiles.</summary>
public static class ProfileKinds
{
    public const string Tcp = "tcp";
    public const string Http = "http";
    public const string ClientSsl = "client-ssl";
    public const string ServerSsl = "server-ssl";
    public const string OneConnect = "oneconnect";
    public const string Persistence = "persistence";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Tcp, Http, ClientSsl, ServerSsl, OneConnect, Persistence);
}
