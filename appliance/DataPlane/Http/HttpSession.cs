using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>
/// One client connection of the HTTP/1.1 proxy. Requests are handled one at a time in arrival order (pipelined
/// requests wait, parsed, in the client's buffer): parse the head → pick or reuse a server connection → send the
/// rewritten head and stream the body → read the response head (forwarding 1xx) → rewrite and stream the response →
/// keep or close each side. Everything per request reuses the session's objects; no strings are made.
/// Split by concern: <c>.Request.cs</c>, <c>.Response.cs</c>, <c>.Body.cs</c>, <c>.Server.cs</c>.
/// </summary>
internal sealed partial class HttpSession : IDisposable
{
    private readonly HttpProxy _proxy;
    private readonly ProxyContext _ctx;
    private readonly VirtualPlan _plan;
    private readonly bool _xffTrusted;
    private readonly HttpRequestHead _req = new();
    private readonly HttpResponseHead _res = new();
    // Request trailers are held back and filtered (HttpTrailerPolicy): fields that must not come after the head never reach a member.
    // Made on the first chunked body: most connections never see one, and an idle connection then holds neither.
    private HttpChunkedDecoder? _requestChunks;
    private HttpChunkedDecoder? _responseChunks;
    private readonly PipeReader _client;
    /// <summary>The client's address as X-Forwarded-For gives it (IPv4-mapped addresses as IPv4); null when not inserted.</summary>
    private readonly IPAddress? _xffAddress;
    private readonly IPAddress? _reuseKey;
    private ServerConnection? _bound;
    private Task<BodyResult>? _upload;
    private bool _abandoning;
    private bool _retrying;
    private readonly Func<Balancing.MemberState, ServerConnection?>? _takeIdle;
    private System.Collections.Frozen.FrozenDictionary<string, Balancing.PoolState>? _pools;
    private int _requests;

    // Per-request facts for the access log and counters.
    private long _requestStart;
    private long _connectDone;
    private long _responseHeadAt;
    private long _responseBytes;
    private TerminationCause _requestCause;
    private TerminationCause _lastConnectFailure = TerminationCause.NoMember;
    private int _localStatus;

    public HttpSession(HttpProxy proxy, ProxyContext ctx)
    {
        _proxy = proxy;
        _ctx = ctx;
        _plan = ctx.Plan;
        _client = ctx.Client.Reader;
        if (_plan.Http!.InsertXForwardedFor)
        {
            _xffAddress = Unmap(ctx.ClientEndPoint.Address);
            _xffTrusted = _plan.TrustedXForwardedFor.Contains(ctx.ClientEndPoint.Address);
        }
        ctx.Rules?.BindHttp(_req, _res);
        if (_plan.OneConnect is { } oc)
        {
            // PROXY protocol names one client per server connection, so such connections are only reused by that client.
            var key = _plan.SendProxyProtocol != ProxyProtocol.ProxyProtocolVersion.None
                ? ctx.ClientEndPoint.Address
                : OneConnect.SourceMask.Apply(ctx.ClientEndPoint.Address, oc.SourceMask);
            _reuseKey = key;
            // Made once per client connection: the connector offers each member it announced in LB_SELECTED.
            var tls = Tls.ServerTlsMaterial.IdentityOf(ctx); // connections made with another TLS identity are not reused
            _takeIdle = member => proxy.OneConnect.TryTake(member, key, tls, ctx.Client.Transport.Loop, oc, _plan.IdleTimeoutMs);
        }
    }

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    public async Task RunAsync()
    {
        while (true)
        {
            if (!await ReadRequestHeadAsync().ConfigureAwait(false))
            {
                return;
            }
            _requests++;
            if (!await ExchangeAsync().ConfigureAwait(false))
            {
                return;
            }
            // Between requests the heads hold nothing: an idle keep-alive client costs its socket and small objects.
            _req.Release();
            _res.Release();
        }
    }

    /// <summary>One request and its response. Returns whether the client connection carries on.</summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<bool> ExchangeAsync()
    {
        _requestStart = Stopwatch.GetTimestamp();
        _connectDone = 0;
        _responseHeadAt = 0;
        _responseBytes = 0;
        _requestCause = TerminationCause.None;
        _localStatus = 0;
        _plan.Counters.Request();
        _ctx.PoolCounters?.Request();
        if (_req.Method == HttpMethodKind.Connect && !_plan.Http!.AllowConnect)
        {
            // A tunnel to any host:port a member can reach, past every L7 rule: only when the profile says so.
            return await RespondLocalAsync(405, TerminationCause.ClientParseError).ConfigureAwait(false);
        }
        _ctx.Balancing.BeginRequest(_req);
        var rules = _ctx.Rules;
        if (rules is not null)
        {
            rules.BeginRequest();
            if (await _proxy.Events.OnEventAsync(ProxyEvent.HttpRequest, _ctx).ConfigureAwait(false) != ProxyEventStatus.Continue)
            {
                return await RuleVerdictAsync(null).ConfigureAwait(false);
            }
            if (rules.RequestCollect > 0 && !await CollectRequestBodyAsync(rules).ConfigureAwait(false))
            {
                return await RuleVerdictAsync(null).ConfigureAwait(false);
            }
        }
        while (true)
        {
            var carryOn = await ForwardAsync(rules).ConfigureAwait(false);
            if (!_retrying)
            {
                return carryOn;
            }
            // A rule's retry(): the response was dropped; the same request is balanced and sent again.
            _retrying = false;
            _connectDone = 0;
            _responseHeadAt = 0;
            _responseBytes = 0;
            rules!.BeginRetry();
        }
    }

    /// <summary>
    /// Sends the request to a member (picked, or a kept connection) and relays its response. Returns whether the client
    /// connection carries on; with <see cref="_retrying"/> set, a rule dropped the response and wants the request sent again.
    /// </summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<bool> ForwardAsync(Rules.RuleSession? rules)
    {
        var hasBody = _req.Framing == HttpBodyFraming.Chunked || (_req.Framing == HttpBodyFraming.ContentLength && _req.ContentLength > 0);
        var idempotent = _req.Method is HttpMethodKind.Get or HttpMethodKind.Head or HttpMethodKind.Options or HttpMethodKind.Put or HttpMethodKind.Delete or HttpMethodKind.Trace;
        ServerConnection? server = null;
        _upload = null;
        for (var attempt = 0; ; attempt++)
        {
            server = await AcquireServerAsync(fresh: attempt > 0).ConfigureAwait(false);
            if (server is null)
            {
                return rules is { Verdict: not Rules.RuleVerdict.None } ? await RuleVerdictAsync(null).ConfigureAwait(false) : await RespondLocalAsync(503).ConfigureAwait(false);
            }
            if (rules is { Verdict: not Rules.RuleVerdict.None })
            {
                // SERVER_CONNECTED or SERVERSSL_HANDSHAKE decided (reject, drop, respond): nothing goes to this
                // member, and the connection is not kept for others.
                ReleaseServer(server, reusable: false);
                return await RuleVerdictAsync(null).ConfigureAwait(false);
            }
            _connectDone = Stopwatch.GetTimestamp();
            var reused = server.Uses > 0;
            server.Uses++;
            _ctx.Server = server.Side;
            _ctx.Member = server.Member;
            _ctx.Balancing.Watch(server.Member);
            server.Member.RequestStarted();
            server.MemberCounters.Request();
            var retryable = reused && idempotent && !hasBody && attempt == 0;
            if (rules is not null)
            {
                rules.Served(server.Member);
                if (await _proxy.Events.OnEventAsync(ProxyEvent.HttpRequestSend, _ctx).ConfigureAwait(false) != ProxyEventStatus.Continue
                    || await _proxy.Events.OnEventAsync(ProxyEvent.HttpRequestRelease, _ctx).ConfigureAwait(false) != ProxyEventStatus.Continue)
                {
                    server.Member.RequestEnded();
                    ReleaseServer(server, reusable: true);
                    return await RuleVerdictAsync(null).ConfigureAwait(false);
                }
                hasBody = hasBody && rules.RequestBodyOverride is null;
            }
            WriteRequestHead(server.Side);
            try
            {
                if (hasBody && !TryAppendBufferedBody(server.Side))
                {
                    await server.Side.FlushAsync().ConfigureAwait(false);
                    _upload = UploadAsync(server);
                }
                else
                {
                    await server.Side.FlushAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (IsIo(ex))
            {
                server.Member.RequestEnded();
                await DropServerAsync(server, TerminationCause.ServerClosed).ConfigureAwait(false);
                if (retryable)
                {
                    continue;
                }
                return await RespondLocalAsync(502, TerminationCause.ServerClosed).ConfigureAwait(false);
            }

            _ctx.SetDeadline(_plan.IdleTimeoutMs, TerminationCause.ServerTimeout);
            _ctx.Balancing.AwaitingRetryableResponse = idempotent && !hasBody && attempt <= (_ctx.Pool?.ReselectTries ?? 0);
            var head = await ReadResponseHeadAsync(server, first: true).ConfigureAwait(false);
            _ctx.Balancing.AwaitingRetryableResponse = false;
            if (head == ResponseHeadResult.ClosedBeforeResponse && (retryable || _ctx.Balancing.TakeReselect()) && _ctx.Cause == TerminationCause.None)
            {
                server.Member.RequestEnded();
                await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                continue;
            }
            if (head != ResponseHeadResult.Complete)
            {
                server.Member.RequestEnded();
                if (_ctx.Cause == TerminationCause.ClientClosed)
                {
                    // The client went away mid-body; the member did nothing wrong and nobody is left to answer.
                    await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                    _requestCause = TerminationCause.ClientClosed;
                    WriteAccessLog();
                    return false;
                }
                if (_ctx.Cause == TerminationCause.ClientParseError)
                {
                    // The request body's chunked framing was refused mid-stream: the client's fault, answered 400.
                    await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                    return await RespondLocalAsync(400, TerminationCause.ClientParseError).ConfigureAwait(false);
                }
                var timedOut = _ctx.Cause == TerminationCause.ServerTimeout;
                var cause = timedOut ? TerminationCause.ServerTimeout : head == ResponseHeadResult.Invalid ? TerminationCause.ServerParseError : TerminationCause.ServerClosed;
                await DropServerAsync(server, cause).ConfigureAwait(false);
                return await RespondLocalAsync(timedOut ? 504 : 502, cause).ConfigureAwait(false);
            }
            break;
        }

        try
        {
            return await RelayResponseAsync(server).ConfigureAwait(false);
        }
        finally
        {
            server.Member.RequestEnded();
            if (!_retrying)
            {
                WriteAccessLog();
            }
        }
    }

    private static bool IsIo(Exception ex) => ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException;

    public void Dispose()
    {
        _ctx.Balancing.Dispose();
        _bound?.Close();
        _bound = null;
        _req.Dispose();
        _res.Dispose();
        _requestChunks?.Reset(); // gives back a trailer section held when the body was cut off
    }
}
