using System.Collections.Frozen;
using Fulcrum.Scripting.Events;
using static Fulcrum.Scripting.Events.RuleEvent;

namespace Fulcrum.Scripting.Host;

/// <summary>
/// Every <c>ctx</c> member and the events it may be used in. The engine checks it on each call and the save-time
/// analysis checks it on the source, so a wrong-phase call is refused the same way in both places.
/// </summary>
internal static class HostApi
{
    private static readonly uint T = RuleEvents.Traffic;
    /// <summary>Connection events only: what concerns a member, a byte stream or TLS does not exist in DNS_REQUEST.</summary>
    private static readonly uint C = RuleEvents.Connection;
    private static readonly uint D = RuleEvents.DnsOnly;
    private static readonly uint Req = RuleEvents.WithRequest;
    private static readonly uint Closing = RuleEvents.Mask(ClientClosed, ServerClosed);

    /// <summary>Namespaces whose members are fixed; <c>ctx.vars</c> and <c>ctx.req</c> are open.</summary>
    public static readonly FrozenSet<string> ClosedNamespaces = FrozenSet.Create(StringComparer.Ordinal,
        "client", "server", "server.ssl", "local", "tcp", "tls", "http", "lb", "persist", "event", "ssl", "dns");

    /// <summary>Member path (without <c>ctx.</c>) → events in which it may be read or called.</summary>
    public static readonly FrozenDictionary<string, uint> Members = new Dictionary<string, uint>
    {
        ["client"] = T, ["client.ip"] = T, ["client.port"] = T,
        ["server"] = C, ["server.ip"] = C, ["server.port"] = C,
        ["local"] = T, ["local.ip"] = T, ["local.port"] = T,
        ["vs"] = T, ["id"] = T, ["vars"] = T,
        ["event"] = T, ["event.name"] = T, ["event.stop"] = T,
        ["req"] = Req,
        ["tcp"] = C,
        ["tcp.collect"] = RuleEvents.Mask(ClientAccepted, ClientData, ServerConnected, ServerData),
        ["tcp.payload"] = RuleEvents.Mask(ClientData, ServerData),
        ["tcp.timedOut"] = RuleEvents.Mask(ClientData, ServerData),
        ["tcp.respond"] = RuleEvents.Mask(ClientAccepted, ClientData, ServerData),
        ["tcp.release"] = RuleEvents.Mask(ClientData, ServerData),
        ["tcp.close"] = C & ~Closing,
        ["tls"] = RuleEvents.Mask(ClientData),
        ["tls.clientHello"] = RuleEvents.Mask(ClientData),
        ["http"] = Req,
        ["http.method"] = Req, ["http.uri"] = Req, ["http.path"] = Req, ["http.normalizedPath"] = Req,
        ["http.query"] = Req, ["http.params"] = Req, ["http.version"] = Req, ["http.host"] = Req,
        ["http.header"] = Req, ["http.headers"] = Req, ["http.headerNames"] = Req, ["http.cookie"] = Req,
        ["http.setHeader"] = Req & ~RuleEvents.Bit(HttpRequestRelease),
        ["http.addHeader"] = Req & ~RuleEvents.Bit(HttpRequestRelease),
        ["http.removeHeader"] = Req & ~RuleEvents.Bit(HttpRequestRelease),
        ["http.setCookie"] = Req & ~RuleEvents.Bit(HttpRequestRelease),
        ["http.collect"] = RuleEvents.Mask(HttpRequest, HttpResponse),
        ["http.body"] = RuleEvents.BodyEvents,
        ["http.respond"] = RuleEvents.Mask(HttpRequest, HttpRequestData, LbSelected, LbFailed, HttpResponse, HttpResponseData),
        ["http.redirect"] = RuleEvents.Mask(HttpRequest, HttpRequestData, LbSelected, LbFailed, HttpResponse, HttpResponseData),
        ["http.responded"] = Req,
        ["http.status"] = RuleEvents.ResponseSide,
        ["http.reason"] = RuleEvents.ResponseSide,
        ["http.retry"] = RuleEvents.Mask(HttpResponse, HttpResponseData),
        ["lb"] = C,
        // In LB_SELECTED a new choice picks again; in the response events it is where a retry() goes.
        ["lb.pool"] = RuleEvents.Mask(ClientAccepted, ClientData, ClientSslClientHello, ClientSslHandshake, HttpRequest, HttpRequestData, LbSelected, LbFailed, HttpResponse, HttpResponseData),
        ["lb.member"] = RuleEvents.Mask(ClientAccepted, ClientData, ClientSslClientHello, ClientSslHandshake, HttpRequest, HttpRequestData, LbSelected, LbFailed, HttpResponse, HttpResponseData),
        ["lb.hashKey"] = RuleEvents.Mask(ClientAccepted, ClientData, ClientSslClientHello, ClientSslHandshake, HttpRequest, HttpRequestData, LbFailed),
        ["lb.reselect"] = RuleEvents.Mask(LbSelected, LbFailed),
        ["lb.selected"] = C,
        ["lb.markDown"] = RuleEvents.Mask(LbSelected, LbFailed, ServerConnected, ServerSslHandshake, ServerData, HttpResponse, HttpResponseData),
        ["lb.activeMembers"] = C,
        ["persist"] = C,
        ["persist.source"] = RuleEvents.Mask(ClientAccepted, ClientData, HttpRequest, HttpRequestData, LbSelected, HttpResponse),
        ["persist.cookie"] = RuleEvents.Mask(ClientAccepted, ClientData, HttpRequest, HttpRequestData, LbSelected, HttpResponse),
        ["persist.universal"] = RuleEvents.Mask(ClientAccepted, ClientData, HttpRequest, HttpRequestData, LbSelected, HttpResponse),
        ["persist.none"] = RuleEvents.Mask(ClientAccepted, ClientData, HttpRequest, HttpRequestData, LbSelected, HttpResponse),
        ["ssl"] = C, ["ssl.sni"] = C, ["ssl.protocol"] = C, ["ssl.cipher"] = C, ["ssl.clientCertificate"] = C,
        ["ssl.clientCertificateIssuer"] = C, ["ssl.clientCertificateSerial"] = C, ["ssl.clientCertificateFingerprint"] = C, ["ssl.clientCertificateVerify"] = C,
        ["ssl.alpnOffered"] = C, ["ssl.versionsOffered"] = C, ["ssl.alpn"] = C, ["ssl.resumed"] = C,
        ["ssl.certificate"] = RuleEvents.Mask(ClientSslClientHello),
        ["server.ssl"] = C, ["server.ssl.sni"] = C, ["server.ssl.protocol"] = C, ["server.ssl.cipher"] = C, ["server.ssl.resumed"] = C,
        ["server.ssl.certificate"] = C, ["server.ssl.certificateIssuer"] = C, ["server.ssl.certificateFingerprint"] = C, ["server.ssl.verify"] = C,
        ["drop"] = T, ["reject"] = C,
        ["dns"] = D, ["dns.name"] = D, ["dns.type"] = D, ["dns.subnet"] = D, ["dns.answer"] = D, ["dns.pool"] = D,
        ["dns.drop"] = D, ["dns.nxdomain"] = D, ["dns.refused"] = D,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Members that may be assigned, and when.</summary>
    public static readonly FrozenDictionary<string, uint> Setters = new Dictionary<string, uint>
    {
        ["http.uri"] = RuleEvents.Mask(HttpRequest, HttpRequestData, LbSelected, LbFailed, HttpRequestSend),
        ["http.path"] = RuleEvents.Mask(HttpRequest, HttpRequestData, LbSelected, LbFailed, HttpRequestSend),
        ["http.body"] = RuleEvents.BodyEvents,
        ["tcp.payload"] = RuleEvents.Mask(ClientData, ServerData),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Names every object answers (from Object.prototype); never reported as unknown members.</summary>
    public static readonly FrozenSet<string> ObjectNames = FrozenSet.Create(StringComparer.Ordinal,
        "toString", "valueOf", "hasOwnProperty", "toLocaleString", "isPrototypeOf", "propertyIsEnumerable", "constructor");

    public static string NotAvailable(string path, RuleEvent e, uint mask) =>
        $"ctx.{path} is not available in {RuleEvents.Name(e)}; it may be used in: {RuleEvents.Describe(mask)}";
}
