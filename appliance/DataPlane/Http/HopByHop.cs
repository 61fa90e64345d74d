using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>
/// The one field filter between a received head and the head sent on (RFC 9110 §7.6.1): the hop-by-hop fields
/// (Connection and the fields it names, Keep-Alive, Proxy-Connection, TE; on requests HTTP2-Settings, and Upgrade unless
/// the proxy relays that upgrade), the Host field when an absolute-form target names the host, the client's
/// X-Forwarded-For / -Proto when the proxy writes its own and the client is not a trusted front, and the member's Server
/// field when the http profile removes or replaces it. The proxy's head writers and the rules' header views both ask it,
/// so a security property holds whether or not a rule edited the head.
/// </summary>
public readonly struct HopByHop
{
    private readonly HttpMessageHead _head;
    private readonly HttpProfile _http;
    private readonly bool _isRequest;
    private readonly bool _upgrade;
    private readonly bool _xffTrusted;

    private HopByHop(HttpMessageHead head, HttpProfile http, bool isRequest, bool upgrade, bool xffTrusted)
    {
        _head = head;
        _http = http;
        _isRequest = isRequest;
        _upgrade = upgrade;
        _xffTrusted = xffTrusted;
    }

    /// <param name="xffTrusted">The client is a trusted front: its X-Forwarded-For / -Proto pass.</param>
    public static HopByHop ForRequest(HttpRequestHead head, HttpProfile http, bool xffTrusted) =>
        new(head, http, isRequest: true, RequestUpgrades(head), xffTrusted);

    /// <param name="upgrade">The response switches protocols (101 to an upgrade the proxy relays): Upgrade passes.</param>
    public static HopByHop ForResponse(HttpResponseHead head, HttpProfile http, bool upgrade) =>
        new(head, http, isRequest: false, upgrade, xffTrusted: false);

    /// <summary>The client asked for a protocol upgrade the proxy relays (Upgrade named by Connection; h2c never is).</summary>
    public static bool RequestUpgrades(HttpRequestHead head) =>
        (head.ConnectionOptions & HttpConnectionOptions.Upgrade) != 0 && head.HasUpgrade;

    public HttpMessageHead Head => _head;

    /// <summary>Whether <paramref name="field"/> of the head goes on to the next hop.</summary>
    public bool Forwards(in HttpHeaderField field) => field.Known switch
    {
        HttpKnownHeader.Connection or HttpKnownHeader.KeepAlive or HttpKnownHeader.ProxyConnection or HttpKnownHeader.TE => false,
        HttpKnownHeader.Http2Settings => !_isRequest,
        HttpKnownHeader.Upgrade => _upgrade,
        HttpKnownHeader.Host => !(_isRequest && ((HttpRequestHead)_head).HostFromTarget),
        HttpKnownHeader.XForwardedFor => !(_isRequest && _http.InsertXForwardedFor && !_xffTrusted),
        HttpKnownHeader.XForwardedProto => !(_isRequest && _http.InsertXForwardedProto && !_xffTrusted),
        HttpKnownHeader.Server => _isRequest || _http.ServerHeaderAction == "pass",
        HttpKnownHeader.Unknown => _head.ConnectionTokens.Length == 0 || !NamedByConnection(field),
        _ => true,
    };

    private bool NamedByConnection(in HttpHeaderField field)
    {
        var name = _head[field.Name];
        foreach (var token in _head.ConnectionTokens)
        {
            if (HttpAscii.EqualsIgnoreCase(_head[token], name))
            {
                return true;
            }
        }
        return false;
    }
}
