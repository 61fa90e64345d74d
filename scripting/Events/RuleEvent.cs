namespace Fulcrum.Scripting.Events;

/// <summary>
/// The events a rule can handle, in the order a connection meets them. The names rules use are the iRules names
/// (<see cref="RuleEvents.Name"/>).
/// </summary>
public enum RuleEvent : byte
{
    /// <summary>Once per rule version, before any traffic; may fill <c>statics</c>. No <c>ctx</c>.</summary>
    RuleInit,
    ClientAccepted,
    /// <summary>Client bytes collected with <c>ctx.tcp.collect(n)</c> (L4).</summary>
    ClientData,
    ClientSslClientHello,
    ClientSslHandshake,
    HttpRequest,
    /// <summary>Request body collected with <c>ctx.http.collect()</c>; decoded bytes in <c>ctx.http.body</c>.</summary>
    HttpRequestData,
    LbSelected,
    /// <summary>No member could be picked, or the connect failed or timed out (tcp profile <c>connectTimeout</c>).</summary>
    LbFailed,
    ServerConnected,
    /// <summary>The TLS handshake toward the member finished (a server-ssl profile); after SERVER_CONNECTED, before any request byte goes.</summary>
    ServerSslHandshake,
    HttpRequestSend,
    /// <summary>Server bytes collected with <c>ctx.tcp.collect(n)</c> in SERVER_CONNECTED (L4).</summary>
    ServerData,
    HttpRequestRelease,
    HttpResponse,
    HttpResponseData,
    /// <summary>Last look at a response before it goes to the client; runs for local (respond/redirect) responses too.</summary>
    HttpResponseRelease,
    ClientClosed,
    ServerClosed,
    /// <summary>A query to a dns virtual server, before its answer is built; <c>ctx.dns</c> may answer, pick a pool or drop.</summary>
    DnsRequest,
}
