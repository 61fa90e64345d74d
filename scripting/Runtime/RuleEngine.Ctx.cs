using System.Text;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Host;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Fulcrum.Scripting.Runtime;

/// <summary>The <c>ctx</c> object graph, built once per engine; every member reads the connection being dispatched.</summary>
internal sealed partial class RuleEngine
{
    private const int DefaultCollectBytes = 1 << 20;
    private const int MaxCollectBytes = 16 << 20;
    private const int MaxCollectTimeoutMs = 3_600_000;

    private readonly JsString[] _eventNames = [.. RuleEvents.AllNames.Select(n => new JsString(n))];

    private ObjectInstance BuildCtx()
    {
        var client = new HostObject(this, "client",
        [
            new("ip", () => Conn.ClientIp),
            new("port", () => Conn.Context.Client.Port),
        ]);
        var local = new HostObject(this, "local",
        [
            new("ip", () => Conn.LocalIp),
            new("port", () => Conn.Context.Local.Port),
        ]);
        var serverSsl = new HostObject(this, "server.ssl",
        [
            new("sni", () => Str(Conn.Context.ServerSsl?.ServerName)),
            new("protocol", () => Str(Conn.Context.ServerSsl?.Protocol)),
            new("cipher", () => Str(Conn.Context.ServerSsl?.Cipher)),
            new("resumed", () => Conn.Context.ServerSsl is { Resumed: true } ? JsBoolean.True : JsBoolean.False),
            new("certificate", () => Str(Conn.Context.ServerSsl?.CertificateSubject)),
            new("certificateIssuer", () => Str(Conn.Context.ServerSsl?.CertificateIssuer)),
            new("certificateFingerprint", () => Str(Conn.Context.ServerSsl?.CertificateFingerprint)),
            new("verify", () => Str(Conn.Context.ServerSsl?.Verify)),
        ]);
        var server = new HostObject(this, "server",
        [
            new("ip", () => (JsValue?)Conn.ServerIp ?? JsValue.Null),
            new("port", () => Conn.Context.Server is { } s ? s.Port : JsValue.Null),
            new("ssl", () => Conn.Context.ServerSsl is null ? JsValue.Null : serverSsl),
        ]);
        var vars = new ScopeObject(this, "vars", () => Conn.Vars);
        var req = new ScopeObject(this, "req", () => (Conn.Request ?? throw TypeError("ctx.req exists from HTTP_REQUEST to HTTP_RESPONSE_RELEASE of a request")).Vars);
        var ev = new HostObject(this, "event",
        [
            new("name", () => _eventNames[(int)_event]),
            new("stop", Constant(Fn("event.stop", 0, _ =>
            {
                Conn.StopRequested = true;
                return JsValue.Undefined;
            }))),
        ]);
        var http = BuildHttp();
        var ssl = new HostObject(this, "ssl",
        [
            new("sni", () => Str(Conn.Context.Ssl?.ServerName)),
            new("protocol", () => Str(Conn.Context.Ssl?.Protocol)),
            new("cipher", () => Str(Conn.Context.Ssl?.Cipher)),
            new("clientCertificate", () => Str(Conn.Context.Ssl?.ClientCertificateSubject)),
            new("clientCertificateIssuer", () => Str(Conn.Context.Ssl?.ClientCertificateIssuer)),
            new("clientCertificateSerial", () => Str(Conn.Context.Ssl?.ClientCertificateSerial)),
            new("clientCertificateFingerprint", () => Str(Conn.Context.Ssl?.ClientCertificateFingerprint)),
            new("clientCertificateVerify", () => Str(Conn.Context.Ssl?.ClientCertificateVerify)),
            new("alpnOffered", () => Array(Conn.Context.Ssl?.OfferedAlpn ?? [])),
            new("versionsOffered", () => Array(Conn.Context.Ssl?.OfferedVersions ?? [])),
            new("alpn", () => Str(Conn.Context.Ssl?.Alpn)),
            new("resumed", () => Conn.Context.Ssl is { Resumed: true } ? JsBoolean.True : JsBoolean.False),
            new("certificate", Constant(Fn("ssl.certificate", 1, a =>
            {
                var name = Arg(a, 0, "ctx.ssl.certificate(name)");
                if (Conn.Context.Ssl is not { } tls || !tls.UseCertificate(name))
                {
                    throw RangeError($"ctx.ssl.certificate(name): the virtual server's client-ssl profile lists no certificate '{name}'");
                }
                return JsValue.Undefined;
            }))),
        ]);
        return new HostObject(this, "",
        [
            new("client", () => client),
            new("local", () => local),
            new("server", () => Conn.Context.Server is null ? JsValue.Null : server),
            new("vs", () => Set.VirtualServerJs),
            new("id", () => Conn.IdJs),
            new("vars", () => vars),
            new("req", () => Conn.Request is null ? throw TypeError("ctx.req exists from HTTP_REQUEST to HTTP_RESPONSE_RELEASE; there is no request in flight") : req),
            new("event", () => ev),
            new("tcp", Constant(BuildTcp())),
            new("tls", Constant(BuildTls())),
            new("http", () => Conn.Context.Http is null ? throw TypeError($"ctx.http is not available: virtual server '{Set.VirtualServer}' has no http profile") : http),
            new("lb", Constant(BuildLb())),
            new("persist", Constant(BuildPersist())),
            new("ssl", () => Conn.Context.Ssl is null ? JsValue.Null : ssl),
            new("dns", Constant(BuildDns())),
            new("drop", Constant(Fn("drop", 0, _ => Outcome(RuleStatus.Dropped)))),
            new("reject", Constant(Fn("reject", 0, _ => Outcome(RuleStatus.Rejected)))),
        ]);
    }

    private static Func<JsValue> Constant(JsValue v) => () => v;

    private JsValue Outcome(RuleStatus status)
    {
        Conn.Status = status;
        return JsValue.Undefined;
    }

    private HostObject BuildTcp() => new(this, "tcp",
    [
        new("collect", Constant(Fn("tcp.collect", 1, a =>
        {
            var n = Num(a, 0, 1);
            if (!(n >= 1 && n <= MaxCollectBytes))
            {
                throw RangeError($"ctx.tcp.collect(bytes): from 1 to {MaxCollectBytes}");
            }
            Conn.Context.Tcp.Collect((int)n, CollectTimeout(a));
            return JsValue.Undefined;
        }))),
        new("timedOut", () => Conn.Context.Tcp.TimedOut ? JsBoolean.True : JsBoolean.False),
        new("payload", () => Encoding.Latin1.GetString(Conn.Context.Tcp.Payload.Span), v =>
        {
            TraceCall("tcp.payload=", [v]);
            Conn.Context.Tcp.ReplacePayload(Latin1(TypeConverter.ToString(v)));
        }),
        new("respond", Constant(Fn("tcp.respond", 1, a =>
        {
            Conn.Context.Tcp.Respond(Latin1(Arg(a, 0, "ctx.tcp.respond(data)")));
            return JsValue.Undefined;
        }))),
        new("release", Constant(Fn("tcp.release", 0, a =>
        {
            var tcp = Conn.Context.Tcp;
            if (a.Length == 0 || a[0].IsUndefined())
            {
                tcp.Release();
                return JsValue.Undefined;
            }
            var n = TypeConverter.ToNumber(a[0]);
            var held = tcp.Payload.Length;
            if (!(n >= 0 && n <= held && n == Math.Floor(n)))
            {
                throw RangeError($"ctx.tcp.release(bytes): an integer from 0 to the {held} bytes held, not {TypeConverter.ToString(a[0])}");
            }
            tcp.Release((int)n);
            return JsValue.Undefined;
        }))),
        new("close", Constant(Fn("tcp.close", 0, _ => Outcome(RuleStatus.Closed)))),
    ]);

    /// <summary><c>ctx.tcp.collect(n, {timeoutMs})</c>: the wait for the bytes; 0 (no options) is the tcp profile's collectTimeout.</summary>
    private int CollectTimeout(JsValue[] a)
    {
        if (a.Length < 2 || a[1].IsUndefined() || a[1].IsNull())
        {
            return 0;
        }
        if (a[1] is not ObjectInstance options)
        {
            throw TypeError("ctx.tcp.collect(bytes, {timeoutMs}): the second argument is an options object");
        }
        var value = options.Get("timeoutMs");
        if (value.IsUndefined())
        {
            return 0;
        }
        var ms = TypeConverter.ToNumber(value);
        if (!(ms >= 1 && ms <= MaxCollectTimeoutMs) || ms != Math.Floor(ms))
        {
            throw RangeError($"ctx.tcp.collect(bytes, {{timeoutMs}}): timeoutMs is an integer from 1 to {MaxCollectTimeoutMs}, not {TypeConverter.ToString(value)}");
        }
        return (int)ms;
    }

    /// <summary>Payload strings hold one byte per character (latin1), so binary protocols survive the round trip.</summary>
    private byte[] Latin1(string s)
    {
        foreach (var c in s)
        {
            if (c > 0xFF)
            {
                throw TypeError("payload strings hold bytes: every character must be \\u0000 to \\u00FF");
            }
        }
        return Encoding.Latin1.GetBytes(s);
    }

    private HostObject BuildLb() => new(this, "lb",
    [
        new("pool", Constant(Fn("lb.pool", 2, a =>
        {
            var pool = Arg(a, 0, "ctx.lb.pool(name[, member])");
            var b = Conn.Context.Balancer;
            if (!b.PoolExists(pool))
            {
                throw TypeError($"pool '{pool}' does not exist");
            }
            b.SelectPool(pool, a.Length > 1 && !a[1].IsUndefined() && !a[1].IsNull() ? TypeConverter.ToString(a[1]) : null);
            return JsValue.Undefined;
        }))),
        new("member", Constant(Fn("lb.member", 2, a =>
        {
            var address = Arg(a, 0, "ctx.lb.member(address, port)");
            var port = Num(a, 1, 0);
            if (!IsIpLiteral(address))
            {
                throw TypeError($"ctx.lb.member(address, port): '{(address.Length > 64 ? address[..64] + "..." : address)}' is not an IPv4 (dotted quad) or IPv6 address");
            }
            if (!(port >= 1 && port <= 65535 && port == Math.Floor(port)))
            {
                throw TypeError("ctx.lb.member(address, port): the port must be a whole number from 1 to 65535");
            }
            Conn.Context.Balancer.SelectMember(address, (int)port);
            return JsValue.Undefined;
        }))),
        new("hashKey", Constant(Fn("lb.hashKey", 1, a =>
        {
            string? key = a.Length == 0 || a[0].IsUndefined() || a[0].IsNull() ? null : TypeConverter.ToString(a[0]);
            if (key is { Length: > 1024 })
            {
                throw RangeError("ctx.lb.hashKey: keys have at most 1024 characters");
            }
            Conn.Context.Balancer.HashKey(key);
            return JsValue.Undefined;
        }))),
        new("reselect", Constant(Fn("lb.reselect", 0, _ =>
        {
            Conn.Context.Balancer.Reselect();
            return JsValue.Undefined;
        }))),
        new("selected", () => Str(Conn.Context.Balancer.Selected)),
        new("markDown", Constant(Fn("lb.markDown", 0, _ =>
        {
            Conn.Context.Balancer.MarkDown();
            return JsValue.Undefined;
        }))),
        new("activeMembers", Constant(Fn("lb.activeMembers", 1, a =>
        {
            var pool = Arg(a, 0, "ctx.lb.activeMembers(pool)");
            var n = Conn.Context.Balancer.ActiveMembers(pool);
            return n < 0 ? throw TypeError($"pool '{pool}' does not exist") : n;
        }))),
    ]);

    private HostObject BuildPersist() => new(this, "persist",
    [
        new("source", Constant(Fn("persist.source", 1, a =>
        {
            Conn.Context.Persistence.Source(Timeout(a, 0));
            return JsValue.Undefined;
        }))),
        new("cookie", Constant(Fn("persist.cookie", 2, a =>
        {
            Conn.Context.Persistence.Cookie(a.Length > 0 && a[0].IsString() ? a[0].AsString() : null, Timeout(a, 1));
            return JsValue.Undefined;
        }))),
        new("universal", Constant(Fn("persist.universal", 2, a =>
        {
            var key = Arg(a, 0, "ctx.persist.universal(key, timeoutMs)");
            if (key.Length > 1024)
            {
                throw RangeError("ctx.persist.universal: keys have at most 1024 characters");
            }
            Conn.Context.Persistence.Universal(key, Timeout(a, 1));
            return JsValue.Undefined;
        }))),
        new("none", Constant(Fn("persist.none", 0, _ =>
        {
            Conn.Context.Persistence.None();
            return JsValue.Undefined;
        }))),
    ]);

    /// <summary>A dotted-quad IPv4 (no shorthand such as <c>10.1</c>) or a plain IPv6 address (no brackets, no scope).</summary>
    private static bool IsIpLiteral(string s)
    {
        if (s.Length is 0 or > 45 || s.AsSpan().IndexOfAny("%[]/") >= 0)
        {
            return false;
        }
        if (s.Contains(':', StringComparison.Ordinal))
        {
            return System.Net.IPAddress.TryParse(s, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }
        var parts = 0;
        foreach (var part in s.Split('.'))
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit) || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
            parts++;
        }
        return parts == 4;
    }

    private int Timeout(JsValue[] a, int i)
    {
        var t = Num(a, i, 0);
        if (!(t >= 0 && t <= 7 * 86_400_000))
        {
            throw RangeError("persistence timeouts are milliseconds from 0 (the profile's) to 7 days");
        }
        return (int)t;
    }
}
