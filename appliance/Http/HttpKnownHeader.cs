namespace Fulcrum.Appliance.Http;

/// <summary>Header fields the proxy acts on, recognised once while parsing so later rules compare an enum, not bytes.</summary>
public enum HttpKnownHeader : byte
{
    Unknown,
    Host,
    ContentLength,
    TransferEncoding,
    Connection,
    KeepAlive,
    ProxyConnection,
    TE,
    Trailer,
    Upgrade,
    Expect,
    Via,
    XForwardedFor,
    XForwardedProto,
    Server,
    Cookie,
    SetCookie,
}
