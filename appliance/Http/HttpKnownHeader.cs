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
    /// <summary>HTTP2-Settings (RFC 7540 §3.2.1): only meaningful with an h2c upgrade, which the proxy never forwards.</summary>
    Http2Settings,
}
