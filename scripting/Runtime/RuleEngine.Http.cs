using System.Text;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Host;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Fulcrum.Scripting.Runtime;

/// <summary><c>ctx.http</c>: the request line, headers (of the response in response events), cookies, bodies, local responses.</summary>
internal sealed partial class RuleEngine
{
    private IRuleHttp Http => Conn.Context.Http!;

    private bool ResponseSide => RuleEvents.In(RuleEvents.ResponseSide, _event);

    private IRuleHeaders Headers => ResponseSide
        ? Http.ResponseHeaders ?? throw TypeError("there is no response yet")
        : Http.RequestHeaders;

    private HostObject BuildHttp() => new(this, "http",
    [
        new("method", () => Http.Method),
        new("uri", () => Http.Uri, v =>
        {
            TraceCall("http.uri=", [v]);
            Http.Uri = Target(TypeConverter.ToString(v));
        }),
        new("path", () => Uris.SplitTarget(Http.Uri).Path, v =>
        {
            TraceCall("http.path=", [v]);
            var path = TypeConverter.ToString(v);
            var query = Uris.SplitTarget(Http.Uri).Query;
            Http.Uri = Target(query.Length > 0 ? path + "?" + query : path);
        }),
        new("normalizedPath", () => Uris.NormalizePath(Uris.SplitTarget(Http.Uri).Path)),
        new("query", () => Uris.SplitTarget(Http.Uri).Query),
        new("params", () => QueryObject(Uris.SplitTarget(Http.Uri).Query)),
        new("version", () => Http.Version),
        new("host", () => Str(HostName(Http.RequestHeaders.Get("host")))),
        new("header", Constant(Fn("http.header", 1, a => Str(Headers.Get(Arg(a, 0, "ctx.http.header(name)")))))),
        new("headers", Constant(Fn("http.headers", 1, a => Array(Headers.GetAll(Arg(a, 0, "ctx.http.headers(name)")))))),
        new("headerNames", Constant(Fn("http.headerNames", 0, _ => Array(Headers.Names)))),
        new("setHeader", Constant(Fn("http.setHeader", 2, a =>
        {
            var (name, value) = Field(a, "ctx.http.setHeader(name, value)");
            Headers.Set(name, value);
            return JsValue.Undefined;
        }))),
        new("addHeader", Constant(Fn("http.addHeader", 2, a =>
        {
            var (name, value) = Field(a, "ctx.http.addHeader(name, value)");
            Headers.Add(name, value);
            return JsValue.Undefined;
        }))),
        new("removeHeader", Constant(Fn("http.removeHeader", 1, a =>
        {
            Headers.Remove(Arg(a, 0, "ctx.http.removeHeader(name)"));
            return JsValue.Undefined;
        }))),
        new("cookie", Constant(Fn("http.cookie", 1, a => Str(Cookies.Find(Http.RequestHeaders.GetAll("cookie"), Arg(a, 0, "ctx.http.cookie(name)")))))),
        new("setCookie", Constant(Fn("http.setCookie", 3, SetCookie))),
        new("collect", Constant(Fn("http.collect", 1, a =>
        {
            var max = a.Length > 0 && a[0] is ObjectInstance o && o.Get("max") is JsNumber n ? n.AsNumber() : DefaultCollectBytes;
            if (!(max >= 1 && max <= MaxCollectBytes))
            {
                throw RangeError($"ctx.http.collect({{max}}): max is from 1 to {MaxCollectBytes} bytes");
            }
            Http.Collect((int)max, ResponseSide);
            return JsValue.Undefined;
        }))),
        new("body", () => Encoding.UTF8.GetString((ResponseSide ? Http.ResponseBody : Http.RequestBody).Span), v =>
        {
            TraceCall("http.body=", [v]);
            Http.ReplaceBody(Encoding.UTF8.GetBytes(TypeConverter.ToString(v)), ResponseSide);
        }),
        new("respond", Constant(Fn("http.respond", 3, Respond))),
        new("redirect", Constant(Fn("http.redirect", 2, Redirect))),
        new("responded", () => Conn.Request?.Response is not null),
        new("status", () => Http.Status),
        new("reason", () => Http.Reason),
        new("retry", Constant(Fn("http.retry", 0, _ => Retry()))),
    ]);

    private JsValue Array(IReadOnlyList<string> values)
    {
        var items = new JsValue[values.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = values[i];
        }
        return new JsArray(Js, items);
    }

    private string Target(string uri)
    {
        if (uri.Length == 0 || uri[0] != '/' || uri.Any(c => c <= ' ' || c == 0x7F) || uri.Length > 8192)
        {
            throw TypeError($"'{(uri.Length > 64 ? uri[..64] + "…" : uri)}' is not a request target: it must start with '/' and hold no spaces or control characters");
        }
        return uri;
    }

    private static string? HostName(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }
        host = host.Trim();
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            return close > 0 ? host[..(close + 1)].ToLowerInvariant() : host.ToLowerInvariant();
        }
        var colon = host.IndexOf(':');
        return (colon >= 0 ? host[..colon] : host).ToLowerInvariant();
    }

    private (string Name, string Value) Field(JsValue[] a, string usage)
    {
        var name = Arg(a, 0, usage);
        var value = a.Length > 1 ? TypeConverter.ToString(a[1]) : throw TypeError($"{usage}: the value is missing");
        if (!IsToken(name))
        {
            throw TypeError($"'{name}' is not a valid header name");
        }
        if (value.AsSpan().ContainsAny(LineBreaks) || value.Length > 65536)
        {
            throw TypeError($"the value of '{name}' holds CR, LF or NUL, or is longer than 65536 characters");
        }
        return (name, value);
    }

    // SearchValues, not LINQ over the string: header edits run per request and should not allocate enumerators.
    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\r\n\0");

    private static bool IsToken(string s) => s.Length > 0 && !s.AsSpan().ContainsAnyExcept(TokenChars);

    private JsValue SetCookie(JsValue[] a)
    {
        var name = Arg(a, 0, "ctx.http.setCookie(name, value, options)");
        var value = a.Length > 1 ? TypeConverter.ToString(a[1]) : "";
        if (name.AsSpan().ContainsAnyExcept(TokenChars) || value.Any(c => c is ';' or ',' or '\r' or '\n' or '\0' or ' ' or '"'))
        {
            throw TypeError("ctx.http.setCookie: the name must be a token and the value may not hold ; , space, quotes or control characters");
        }
        if (!ResponseSide)
        {
            var merged = Cookies.Replace(Http.RequestHeaders.GetAll("cookie"), name, value);
            Http.RequestHeaders.Set("cookie", merged);
            return JsValue.Undefined;
        }
        var sb = new StringBuilder(name).Append('=').Append(value);
        if (a.Length > 2 && a[2] is ObjectInstance o)
        {
            if (o.Get("path") is JsString p)
            {
                sb.Append("; Path=").Append(Clean(p.ToString()));
            }
            if (o.Get("domain") is JsString d)
            {
                sb.Append("; Domain=").Append(Clean(d.ToString()));
            }
            if (o.Get("maxAge") is JsNumber m)
            {
                sb.Append("; Max-Age=").Append((long)m.AsNumber());
            }
            if (o.Get("sameSite") is JsString s)
            {
                sb.Append("; SameSite=").Append(Clean(s.ToString()));
            }
            if (TypeConverter.ToBoolean(o.Get("secure")))
            {
                sb.Append("; Secure");
            }
            if (TypeConverter.ToBoolean(o.Get("httpOnly")))
            {
                sb.Append("; HttpOnly");
            }
        }
        Headers.Add("Set-Cookie", sb.ToString());
        return JsValue.Undefined;
    }

    private string Clean(string s) => s.Any(c => c is ';' or '\r' or '\n' or '\0') ? throw TypeError("cookie attributes may not hold ; or control characters") : s;

    private JsValue Respond(JsValue[] a)
    {
        var status = Num(a, 0, double.NaN);
        if (!(status >= 200 && status <= 599) || status != Math.Floor(status))
        {
            throw RangeError("ctx.http.respond(status, body, headers): status is an integer from 200 to 599");
        }
        var body = a.Length > 1 && !a[1].IsUndefined() && !a[1].IsNull() ? TypeConverter.ToString(a[1]) : "";
        var response = new LocalResponse { Status = (int)status, Body = Encoding.UTF8.GetBytes(body) };
        if (a.Length > 2 && a[2] is ObjectInstance headers)
        {
            foreach (var key in headers.GetOwnPropertyKeys(Types.String))
            {
                var v = headers.Get(key);
                var values = v is JsArray arr ? arr.Select(x => TypeConverter.ToString(x)).ToArray() : [TypeConverter.ToString(v)];
                foreach (var one in values)
                {
                    var (n, value) = Field([key, one], "ctx.http.respond headers");
                    response.Headers.Add(new(n, value));
                }
            }
        }
        SetResponse(response);
        return JsValue.Undefined;
    }

    private JsValue Redirect(JsValue[] a)
    {
        var location = Arg(a, 0, "ctx.http.redirect(location, status)");
        var status = Num(a, 1, 302);
        if (status is not (301 or 302 or 303 or 307 or 308))
        {
            throw RangeError("ctx.http.redirect(location, status): status is 301, 302, 303, 307 or 308");
        }
        if (location.Any(c => c is '\r' or '\n' or '\0'))
        {
            throw TypeError("ctx.http.redirect: the location holds CR, LF or NUL");
        }
        var response = new LocalResponse { Status = (int)status, Body = [] };
        response.Headers.Add(new("Location", location));
        SetResponse(response);
        return JsValue.Undefined;
    }

    /// <summary>A response is either replaced by the rule's own or retried, never both: the second call names the first.</summary>
    private JsValue Retry()
    {
        var request = Conn.Request ?? throw TypeError("there is no request to retry");
        if (request.RetrySite is not null)
        {
            return JsValue.Undefined; // asked already for this response
        }
        var site = CallSite();
        if (request.Response is not null)
        {
            throw TypeError($"this request was already answered at line:column {request.RespondSite} (rule '{request.RespondRule}'); retry() at {site} is refused");
        }
        Http.Retry();
        request.RetrySite = site;
        return JsValue.Undefined;
    }

    private void SetResponse(LocalResponse response)
    {
        var request = Conn.Request ?? throw TypeError("there is no request to respond to");
        var site = CallSite();
        if (request.RetrySite is not null)
        {
            throw TypeError($"retry() was called for this response at line:column {request.RetrySite}; a respond or redirect at {site} is refused");
        }
        if (request.Response is not null)
        {
            throw TypeError($"this request was already answered at line:column {request.RespondSite} (rule '{request.RespondRule}'); a second respond or redirect at {site} is refused");
        }
        request.Response = response;
        request.RespondSite = site;
        request.RespondRule = Program.Name;
        if (Conn.Status is RuleStatus.Continue or RuleStatus.Stopped)
        {
            Conn.Status = RuleStatus.Responded;
        }
    }
}
