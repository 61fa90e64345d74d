using Fulcrum.Scripting.Host;
using Fulcrum.Scripting.Wire.Tls;
using Jint.Native;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// <c>ctx.tls</c>: TLS read off the wire without terminating it (iRules' <c>binary scan</c> on the first packet),
/// for SNI routing on L4 virtual servers.
/// </summary>
internal sealed partial class RuleEngine
{
    private static readonly JsString StatusOk = new("ok");
    private static readonly JsString StatusIncomplete = new("incomplete");
    private static readonly JsString StatusInvalid = new("invalid");

    private HostObject BuildTls() => new(this, "tls",
    [
        new("clientHello", Constant(Fn("tls.clientHello", 0, _ => ClientHello()))),
    ]);

    /// <summary>
    /// Parses the client's held bytes: <c>{status:'ok', sni, alpn, versions, cipherSuites, ecdsa, length}</c>,
    /// <c>{status:'incomplete', needed}</c> (collect that many and ask again) or <c>{status:'invalid', reason}</c>.
    /// </summary>
    private JsValue ClientHello()
    {
        var o = new JsObject(Js);
        switch (TlsClientHello.TryParse(Conn.Context.Tcp.Payload.Span, out var hello, out var needed, out var error))
        {
            case ClientHelloParse.Ok:
                o.FastSetDataProperty("status", StatusOk);
                o.FastSetDataProperty("sni", hello!.ServerName is { } sni ? new JsString(sni) : JsValue.Null);
                o.FastSetDataProperty("alpn", Array(hello.Alpn));
                o.FastSetDataProperty("versions", Array([.. hello.Versions.Select(TlsClientHello.VersionName).OfType<string>()]));
                o.FastSetDataProperty("cipherSuites", new JsArray(Js, [.. hello.CipherSuites.Select(s => (JsValue)JsNumber.Create(s))]));
                o.FastSetDataProperty("ecdsa", hello.OffersEcdsa ? JsBoolean.True : JsBoolean.False);
                o.FastSetDataProperty("length", JsNumber.Create(hello.Length));
                break;
            case ClientHelloParse.Incomplete:
                o.FastSetDataProperty("status", StatusIncomplete);
                o.FastSetDataProperty("needed", JsNumber.Create(needed));
                break;
            default:
                o.FastSetDataProperty("status", StatusInvalid);
                o.FastSetDataProperty("reason", new JsString(TlsClientHello.ErrorName(error)));
                break;
        }
        return o;
    }
}
