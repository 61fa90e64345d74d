namespace Fulcrum.Appliance.Config.Model;

/// <summary>
/// Objects present from the first start, as in LTM. They cannot be changed or deleted (copy one under a new name instead),
/// so a virtual server that names <c>http</c> means the same thing on every box.
/// </summary>
public static class BuiltIns
{
    public static FulcrumConfig Apply(FulcrumConfig config) => config with
    {
        Monitors = [.. Merge(config.Monitors, BuiltInMonitors)],
        Profiles = config.Profiles with
        {
            Tcp = [.. Merge(config.Profiles.Tcp, new TcpProfile { Name = "tcp" })],
            Http = [.. Merge(config.Profiles.Http, new HttpProfile { Name = "http" })],
            ClientSsl = [.. Merge(config.Profiles.ClientSsl, new ClientSslProfile { Name = "client-ssl" })],
            ServerSsl = [.. Merge(config.Profiles.ServerSsl, new ServerSslProfile { Name = "server-ssl" })],
            OneConnect = [.. Merge(config.Profiles.OneConnect, new OneConnectProfile { Name = "oneconnect" })],
            Persistence = [.. Merge(config.Profiles.Persistence,
                new PersistenceProfile { Name = "source-addr", Method = PersistenceMethods.SourceAddress },
                new PersistenceProfile { Name = "cookie", Method = PersistenceMethods.Cookie },
                new PersistenceProfile { Name = "universal", Method = PersistenceMethods.Universal })],
        },
    };

    private static readonly Monitor[] BuiltInMonitors =
    [
        new() { Name = "tcp", Type = MonitorTypes.Tcp },
        new() { Name = "tcp-half-open", Type = MonitorTypes.TcpHalfOpen },
        new() { Name = "http", Type = MonitorTypes.Http, Send = "GET / HTTP/1.0\r\n\r\n" },
        new() { Name = "https", Type = MonitorTypes.Https, Send = "GET / HTTP/1.0\r\n\r\n" },
        new() { Name = "icmp", Type = MonitorTypes.Icmp },
    ];

    /// <summary>True when <paramref name="name"/> is a built-in of the given kind path (e.g. <c>monitors</c>, <c>profiles/http</c>).</summary>
    public static bool IsBuiltIn(string kindPath, string name) => kindPath switch
    {
        "monitors" => name is "tcp" or "tcp-half-open" or "http" or "https" or "icmp",
        "profiles/tcp" => name == "tcp",
        "profiles/http" => name == "http",
        "profiles/client-ssl" => name == "client-ssl",
        "profiles/server-ssl" => name == "server-ssl",
        "profiles/oneconnect" => name == "oneconnect",
        "profiles/persistence" => name is "source-addr" or "cookie" or "universal",
        _ => false,
    };

    private static IEnumerable<T> Merge<T>(IEnumerable<T> existing, params T[] builtIns) where T : IConfigObject =>
        existing.Where(e => !builtIns.Any(b => b.Name == e.Name)).Concat(builtIns).OrderBy(p => p.Name, StringComparer.Ordinal);
}
