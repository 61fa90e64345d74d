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
            Tcp = [.. Merge(config.Profiles.Tcp, BuiltInTcp)],
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

    /// <summary>The tcp profiles LTM ships, in Linux terms; docs/TCP.md gives each value and why.</summary>
    private static readonly TcpProfile[] BuiltInTcp =
    [
        // Today's defaults: Nagle off, kernel autotuned buffers and congestion control, delayed ACKs.
        new() { Name = "tcp" },
        // Short RTT, no loss: answer at once (no delayed ACK, no Nagle); fixed buffers are plenty at LAN BDPs.
        new()
        {
            Name = "tcp-lan-optimized", Description = "Low RTT, low loss: no Nagle, immediate ACKs",
            NoDelay = true, QuickAck = true, SendBufferSize = 131072, ReceiveBufferSize = 131072,
        },
        // Long fat pipes: big fixed buffers and proxy buffers, Nagle on (fewer small segments), CUBIC, a low not-sent
        // mark so the proxy does not queue megabytes in the kernel.
        new()
        {
            Name = "tcp-wan-optimized", Description = "High bandwidth-delay product: large buffers, Nagle, CUBIC",
            NoDelay = false, SendBufferSize = 1048576, ReceiveBufferSize = 1048576, CongestionControl = "cubic",
            NotSentLowat = 131072, ProxyBufferHigh = 262144, ProxyBufferLow = 196608,
        },
        // Radio links: loss that is not congestion (BBR does not back off on it), quick keep-alives to notice a
        // vanished handset, a zero-window and user timeout so stalled phones do not hold buffers.
        new()
        {
            Name = "tcp-mobile-optimized", Description = "Lossy, variable radio links: BBR, short keep-alive",
            NoDelay = true, SendBufferSize = 262144, ReceiveBufferSize = 131072, CongestionControl = "bbr",
            KeepAliveTime = 60, KeepAliveInterval = 10, KeepAliveProbes = 6, ZeroWindowTimeout = 20,
            ProxyBufferHigh = 131072, ProxyBufferLow = 98304,
        },
        // F5's f5-tcp-progressive: autotuned buffers, BBR, a small not-sent mark for low latency.
        new()
        {
            Name = "tcp-progressive", Description = "General purpose for modern clients: BBR, autotuned buffers, a small not-sent mark",
            NoDelay = true, CongestionControl = "bbr", NotSentLowat = 16384,
            ProxyBufferHigh = 262144, ProxyBufferLow = 196608,
        },
    ];

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
        "profiles/tcp" => name is "tcp" or "tcp-lan-optimized" or "tcp-wan-optimized" or "tcp-mobile-optimized" or "tcp-progressive",
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
