using System.Collections.Frozen;

namespace Fulcrum.Scripting.Events;

/// <summary>Event names and the phase facts the engine and the save-time checks share.</summary>
public static class RuleEvents
{
    public const int Count = (int)RuleEvent.DnsRequest + 1;

    private static readonly string[] Names =
    [
        "RULE_INIT", "CLIENT_ACCEPTED", "CLIENT_DATA", "CLIENTSSL_CLIENTHELLO", "CLIENTSSL_HANDSHAKE",
        "HTTP_REQUEST", "HTTP_REQUEST_DATA", "LB_SELECTED", "LB_FAILED", "SERVER_CONNECTED", "SERVERSSL_HANDSHAKE", "HTTP_REQUEST_SEND",
        "SERVER_DATA", "HTTP_REQUEST_RELEASE", "HTTP_RESPONSE", "HTTP_RESPONSE_DATA", "HTTP_RESPONSE_RELEASE",
        "CLIENT_CLOSED", "SERVER_CLOSED", "DNS_REQUEST",
    ];

    private static readonly FrozenDictionary<string, RuleEvent> ByName =
        Names.Select((n, i) => (n, (RuleEvent)i)).ToFrozenDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);

    public static IReadOnlyList<string> AllNames => Names;

    public static string Name(RuleEvent e) => Names[(int)e];

    public static bool TryParse(string name, out RuleEvent e) => ByName.TryGetValue(name, out e);

    /// <summary>Bit of one event in an event mask.</summary>
    public static uint Bit(RuleEvent e) => 1u << (int)e;

    public static uint Mask(params RuleEvent[] events)
    {
        var m = 0u;
        foreach (var e in events)
        {
            m |= Bit(e);
        }
        return m;
    }

    /// <summary>Events that exist only on virtual servers with an http profile.</summary>
    public static readonly uint HttpOnly = Mask(RuleEvent.HttpRequest, RuleEvent.HttpRequestData, RuleEvent.HttpRequestSend,
        RuleEvent.HttpRequestRelease, RuleEvent.HttpResponse, RuleEvent.HttpResponseData, RuleEvent.HttpResponseRelease);

    /// <summary>
    /// Events that exist only on virtual servers without an http profile: with one, the byte stream belongs to the HTTP
    /// parser (and OneConnect), and rules see it as requests and responses.
    /// </summary>
    public static readonly uint L4Only = Mask(RuleEvent.ClientData, RuleEvent.ServerData);

    /// <summary>Events during which an HTTP request is in flight (on an http virtual server).</summary>
    public static readonly uint WithRequest = HttpOnly | Mask(RuleEvent.LbSelected, RuleEvent.LbFailed, RuleEvent.ServerConnected, RuleEvent.ServerSslHandshake);

    /// <summary>Events in which the header calls act on the response.</summary>
    public static readonly uint ResponseSide = Mask(RuleEvent.HttpResponse, RuleEvent.HttpResponseData, RuleEvent.HttpResponseRelease);

    public static readonly uint BodyEvents = Mask(RuleEvent.HttpRequestData, RuleEvent.HttpResponseData);

    /// <summary>Every event but RULE_INIT.</summary>
    public static readonly uint Traffic = ((1u << Count) - 1) & ~Bit(RuleEvent.RuleInit);

    /// <summary>Events of dns virtual servers: one query each, no connection to a member.</summary>
    public static readonly uint DnsOnly = Mask(RuleEvent.DnsRequest);

    /// <summary>Events of client connections (standard virtual servers): every traffic event but the DNS ones.</summary>
    public static readonly uint Connection = Traffic & ~DnsOnly;

    public static bool In(uint mask, RuleEvent e) => (mask & Bit(e)) != 0;

    public static string Describe(uint mask) =>
        string.Join(", ", Enumerable.Range(0, Count).Where(i => (mask & (1u << i)) != 0).Select(i => Names[i]));
}
