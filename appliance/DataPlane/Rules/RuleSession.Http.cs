using System.Text;
using Fulcrum.Appliance.DataPlane.Http;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>The HTTP views: request line and headers over the parsed request head, response headers, bodies, local responses.</summary>
public sealed partial class RuleSession : IRuleHttp
{
    private readonly RuleHeaders _requestHeaders = new();
    private readonly RuleHeaders _responseHeaders = new();
    private HttpRequestHead? _req;
    private HttpResponseHead? _res;
    private bool _xffTrusted;
    private bool _responsePhase;
    private bool _responseStarted;
    private bool _closeAfterResponse;
    private string? _uri;
    private ReadOnlyMemory<byte> _requestBody;
    private ReadOnlyMemory<byte> _responseBody;

    /// <summary>Bytes of the request body the rule asked for (ctx.http.collect in HTTP_REQUEST); 0 when none.</summary>
    public int RequestCollect { get; private set; }

    /// <summary>Bytes of the response body the rule asked for (ctx.http.collect in HTTP_RESPONSE); 0 when none.</summary>
    public int ResponseCollect { get; private set; }

    /// <summary>The body the rule gave in HTTP_REQUEST_DATA (null: unchanged).</summary>
    public byte[]? ReplacedRequestBody { get; private set; }

    public byte[]? ReplacedResponseBody { get; private set; }

    /// <summary>A rule error answered the request: the client connection closes after the answer.</summary>
    public bool CloseAfterResponse => _closeAfterResponse;

    /// <summary>Called once by the HTTP session: the heads it parses into, reused for every request.</summary>
    internal void BindHttp(HttpRequestHead req, HttpResponseHead res)
    {
        _req = req;
        _res = res;
        var http = _ctx.Plan.Http!;
        _xffTrusted = _ctx.Plan.TrustedXForwardedFor.Contains(_ctx.ClientEndPoint.Address);
    }

    /// <summary>A new request head was parsed: per-request choices start afresh (the virtual's default pool, no edits).</summary>
    internal void BeginRequest()
    {
        Verdict = RuleVerdict.None;
        _errorResponse = null;
        RetryRequested = false;
        _retries = 0;
        _responsePhase = false;
        _responseStarted = false;
        _uri = null;
        _local = null;
        _requestBody = default;
        _responseBody = default;
        RequestCollect = 0;
        ResponseCollect = 0;
        ReplacedRequestBody = null;
        ReplacedResponseBody = null;
        RequestBodyOverride = null;
        ResponseBodyOverride = null;
        BeginPick();
        var http = _ctx.Plan.Http!;
        var extras = _requestExtras;
        extras.Clear();
        if (_req!.HostFromTarget)
        {
            // The absolute-form target's authority is the host the member gets (the client's Host is left out).
            extras.Add(new("Host", Encoding.Latin1.GetString(_req[_req.Host])));
        }
        if (http.InsertXForwardedFor)
        {
            var a = _ctx.ClientEndPoint.Address;
            extras.Add(new("X-Forwarded-For", _clientAddress ??= (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString()));
        }
        if (http.InsertXForwardedProto)
        {
            extras.Add(new("X-Forwarded-Proto", "http"));
        }
        if (http.InsertVia)
        {
            extras.Add(new("Via", _req!.Version == HttpProtocolVersion.Http10 ? "1.0 fulcrum" : "1.1 fulcrum"));
        }
        _requestHeaders.Bind(HopByHop.ForRequest(_req!, http, _xffTrusted), extras);
    }

    // The proxy's own fields for the rule's header views, refilled per message (no allocation per request).
    private readonly List<KeyValuePair<string, string>> _requestExtras = new(4);
    private readonly List<KeyValuePair<string, string>> _responseExtras = new(1);
    private string? _clientAddress;

    /// <summary>A response head from the member is about to be handled (HTTP_RESPONSE).</summary>
    internal void BeginResponse()
    {
        var http = _ctx.Plan.Http!;
        var extras = _responseExtras;
        extras.Clear();
        // The plan holds the header only when the value is a valid field-value (never one a rule could be fooled into writing).
        if (http.ServerHeaderAction == "replace" && http.ServerHeaderValue is { } server && _ctx.Plan.ServerHeaderValue.Length > 0)
        {
            extras.Add(new("Server", server));
        }
        // The rules see a response as it goes on without an upgrade: an upgrade's 101 head is never edited.
        _responseHeaders.Bind(HopByHop.ForResponse(_res!, http, upgrade: false), extras);
        _responsePhase = true;
    }

    /// <summary>The rule's (or the error) response becomes the response the response events see.</summary>
    internal void BeginLocalResponse()
    {
        var response = PendingResponse!;
        var fields = new List<KeyValuePair<string, string>>(response.Headers.Count + 1);
        foreach (var field in response.Headers)
        {
            if (!IsFraming(field.Key))
            {
                fields.Add(field);
            }
        }
        _responseHeaders.Bind(fields);
        _responsePhase = true;
        _local = response;
    }

    private LocalResponse? _local;

    private static bool IsFraming(string name) =>
        name.Equals("content-length", StringComparison.OrdinalIgnoreCase) || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("connection", StringComparison.OrdinalIgnoreCase);

    /// <summary>The response head goes out now; a later rule error can no longer answer.</summary>
    internal void ResponseStarted()
    {
        _responseStarted = true;
    }

    /// <summary>Ends the request scope (after HTTP_RESPONSE_RELEASE).</summary>
    internal void EndRequest()
    {
        _responsePhase = false;
    }

    /// <summary>The local response being sent (kept past HTTP_RESPONSE_RELEASE, which ends the rule's request scope).</summary>
    internal LocalResponse? LocalInFlight => _local;

    // IRuleHttp
    public string Method => Encoding.ASCII.GetString(_req![_req.MethodRange]);

    public string Uri
    {
        get => _uri ?? Encoding.Latin1.GetString(_req![_req.Target]);
        set
        {
            if (value.Length == 0 || value.Length > 16384 || value.Any(c => c <= ' ' || c >= 0x7f))
            {
                throw new ArgumentException("ctx.http.uri: a request target of 1 to 16384 visible ASCII characters, no spaces");
            }
            _uri = value;
        }
    }

    public string Version => _req!.Version == HttpProtocolVersion.Http10 ? "1.0" : "1.1";

    public IRuleHeaders RequestHeaders => _requestHeaders;

    public IRuleHeaders? ResponseHeaders => _responsePhase ? _responseHeaders : null;

    public int Status => _local?.Status ?? (_responsePhase ? _res!.StatusCode : 0);

    public string Reason => _local is not null || !_responsePhase
        ? Reasons.Of(Status)
        : Encoding.Latin1.GetString(_res![_res.ReasonPhrase]);

    public ReadOnlyMemory<byte> RequestBody => _requestBody;

    public ReadOnlyMemory<byte> ResponseBody => _responseBody;

    void IRuleHttp.Collect(int maxBytes, bool response)
    {
        if (response)
        {
            ResponseCollect = maxBytes;
        }
        else
        {
            RequestCollect = maxBytes;
        }
    }

    public void ReplaceBody(ReadOnlyMemory<byte> body, bool response)
    {
        if (response)
        {
            ReplacedResponseBody = body.ToArray();
            _responseBody = ReplacedResponseBody;
        }
        else
        {
            ReplacedRequestBody = body.ToArray();
            _requestBody = ReplacedRequestBody;
        }
    }

    /// <summary>Rule retries allowed per request; one more fails the event (the test bench uses the same bound).</summary>
    internal const int MaxRuleRetries = Scripting.Compilation.RuleLimits.MaxRetries;

    private int _retries;

    /// <summary>A rule called retry() in HTTP_RESPONSE / HTTP_RESPONSE_DATA: the proxy drops the response and sends the request again.</summary>
    internal bool RetryRequested { get; private set; }

    public void Retry()
    {
        if (_retries >= MaxRuleRetries)
        {
            throw new InvalidOperationException($"ctx.http.retry(): this request was already retried {MaxRuleRetries} times, the limit per request");
        }
        if (RequestBodyOverride is null && HasRequestBody)
        {
            // Only a body the proxy holds whole can go out twice; a streamed one is gone.
            throw new InvalidOperationException(RequestCollect > 0
                ? $"ctx.http.retry(): the request body was larger than ctx.http.collect({{max: {RequestCollect}}}) and was streamed to the server, so it cannot be sent again"
                : "ctx.http.retry(): the request body was streamed to the server and not kept; call ctx.http.collect() in HTTP_REQUEST to make a request with a body retryable");
        }
        RetryRequested = true;
    }

    private bool HasRequestBody => _req!.Framing == HttpBodyFraming.Chunked || (_req.Framing == HttpBodyFraming.ContentLength && _req.ContentLength > 0);

    /// <summary>
    /// The proxy takes the retry: the response scope of the dropped attempt ends, the request (line, headers and kept
    /// body as the rules left them, <c>ctx.req</c>, the pool or member chosen) stays for the next pick.
    /// </summary>
    internal void BeginRetry()
    {
        RetryRequested = false;
        _retries++;
        Verdict = RuleVerdict.None;
        _responsePhase = false;
        _responseStarted = false;
        _responseBody = default;
        ResponseCollect = 0;
        ReplacedResponseBody = null;
        ResponseBodyOverride = null;
    }

    /// <summary>The request body to send whole, re-framed with Content-Length, after HTTP_REQUEST_DATA; null: stream it.</summary>
    public byte[]? RequestBodyOverride { get; private set; }

    public byte[]? ResponseBodyOverride { get; private set; }

    /// <summary>After HTTP_REQUEST_DATA: the body goes on as the rule left it (its replacement, decoded; else as received, de-chunked).</summary>
    internal void SetRequestBody(byte[] raw, byte[]? decoded, bool encoded)
    {
        _ = decoded;
        RequestBodyOverride = ReplacedRequestBody ?? raw;
        _requestHeaders.Reframe(RequestBodyOverride.Length, dropEncoding: encoded && ReplacedRequestBody is not null);
    }

    internal void SetResponseBody(byte[] raw, byte[]? decoded, bool encoded)
    {
        _ = decoded;
        ResponseBodyOverride = ReplacedResponseBody ?? raw;
        _responseHeaders.Reframe(ResponseBodyOverride.Length, dropEncoding: encoded && ReplacedResponseBody is not null);
    }

    internal void WriteRequestBodyOverride(ProxySide dst)
    {
        if (RequestBodyOverride is { } body)
        {
            dst.Append(body);
        }
    }

    /// <summary>The collected, decoded body for the *_DATA event.</summary>
    internal void SetBody(ReadOnlyMemory<byte> decoded, bool response)
    {
        if (response)
        {
            _responseBody = decoded;
        }
        else
        {
            _requestBody = decoded;
        }
    }

    // Writing what the rules changed.

    /// <summary>Writes the request line when a rule rewrote the URI; false: the caller copies the client's.</summary>
    internal bool WriteRequestLine(ProxySide dst)
    {
        if (_uri is null)
        {
            return false;
        }
        dst.Append(_req![_req.MethodRange]);
        dst.Append(" "u8);
        dst.Append(Encoding.ASCII.GetBytes(_uri));
        dst.Append(_req.Version == HttpProtocolVersion.Http10 ? " HTTP/1.0\r\n"u8 : " HTTP/1.1\r\n"u8);
        return true;
    }

    /// <summary>Writes the request's field lines when a rule edited them (the proxy's X-Forwarded-For and Via included); false: the caller copies them.</summary>
    internal bool WriteRequestFields(ProxySide dst)
    {
        if (!_requestHeaders.Edited)
        {
            return false;
        }
        _requestHeaders.WriteTo(dst);
        return true;
    }

    internal bool WriteResponseFields(ProxySide dst)
    {
        if (!_responseHeaders.Edited)
        {
            return false;
        }
        _responseHeaders.WriteTo(dst);
        return true;
    }

    /// <summary>
    /// The local response, whole: status line, the rule's fields (as HTTP_RESPONSE_RELEASE left them), Content-Length
    /// from the body, and the connection's fate. No body for HEAD, 204 and 304.
    /// </summary>
    internal int WriteLocalResponse(ProxySide dst, bool keepAlive)
    {
        var response = _local ?? PendingResponse!;
        var start = dst.Buffered;
        dst.Append(Encoding.ASCII.GetBytes($"HTTP/1.1 {response.Status} {Reasons.Of(response.Status)}\r\n"));
        _responseHeaders.WriteTo(dst);
        var noBody = response.Status is 204 or 304 || _req!.Method == HttpMethodKind.Head;
        if (response.Status != 204 && response.Status != 304)
        {
            dst.Append(Encoding.ASCII.GetBytes($"Content-Length: {response.Body.Length}\r\n"));
        }
        if (!keepAlive)
        {
            dst.Append("Connection: close\r\n"u8);
        }
        else if (_req!.Version == HttpProtocolVersion.Http10)
        {
            dst.Append("Connection: keep-alive\r\n"u8);
        }
        dst.Append("\r\n"u8);
        if (!noBody)
        {
            dst.Append(response.Body);
        }
        return dst.Buffered - start;
    }
}

/// <summary>Reason phrases for status codes the proxy writes itself.</summary>
internal static class Reasons
{
    public static string Of(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } r ? r : "Unknown";
}
