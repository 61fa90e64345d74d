namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// Points in a connection's life where rules will run (the rules issue plugs in through <see cref="IProxyEventSink"/>).
/// The names match the rule event names.
/// </summary>
public enum ProxyEvent : byte
{
    ClientAccepted,
    HttpRequest,
    LbSelected,
    LbFailed,
    ServerConnected,
    HttpRequestSend,
    HttpResponse,
    HttpResponseRelease,
    ClientClosed,
    ServerClosed,
    ClientData,
    HttpRequestData,
    ServerData,
    HttpRequestRelease,
    HttpResponseData,
    ClientSslClientHello,
    ClientSslHandshake,
    ServerSslHandshake,
}
