using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.IO.Pipelines;
using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>The response side: reading heads (1xx included), rewriting them for the client, streaming bodies, tunnels.</summary>
internal sealed partial class HttpSession
{
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<ResponseHeadResult> ReadResponseHeadAsync(ServerConnection server, bool first)
    {
        var reader = server.Side.Reader;
        var sawBytes = !first;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIo(ex))
            {
                return sawBytes ? ResponseHeadResult.Failed : ResponseHeadResult.ClosedBeforeResponse;
            }
            var buffer = read.Buffer;
            sawBytes |= !buffer.IsEmpty;
            var result = HttpResponseParser.Parse(buffer, _res, _req.Method, _plan.ResponseLimits);
            switch (result.Status)
            {
                case HttpParseStatus.Complete:
                    reader.AdvanceTo(buffer.GetPosition(result.Consumed));
                    if (_responseHeadAt == 0)
                    {
                        _responseHeadAt = Stopwatch.GetTimestamp();
                    }
                    return ResponseHeadResult.Complete;
                case HttpParseStatus.Error:
                    reader.AdvanceTo(buffer.End);
                    return ResponseHeadResult.Invalid;
                default:
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted)
                    {
                        return sawBytes ? ResponseHeadResult.Failed : ResponseHeadResult.ClosedBeforeResponse;
                    }
                    break;
            }
        }
    }

    /// <summary>
    /// From a complete response head to the end of its body (or of the tunnel). Returns whether the client connection
    /// carries on. A member that breaks mid-response makes the proxy abort the client, so the client sees a visibly
    /// incomplete response, never a truncated one that looks whole.
    /// </summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<bool> RelayResponseAsync(ServerConnection server)
    {
        var client = _ctx.Client;
        var http = _plan.Http!;
        // Interim responses (100 Continue, 103 Early Hints) go to HTTP/1.1 clients as they come; another head follows.
        while (_res.IsInterim)
        {
            if (_req.Version == HttpProtocolVersion.Http11)
            {
                client.Append(_res.Raw);
                if (!await FlushClientAsync(server).ConfigureAwait(false))
                {
                    return false;
                }
            }
            var next = await ReadResponseHeadAsync(server, first: false).ConfigureAwait(false);
            if (next != ResponseHeadResult.Complete)
            {
                return await FailMidResponseAsync(server, next == ResponseHeadResult.Invalid ? TerminationCause.ServerParseError : TerminationCause.ServerClosed, headSent: false).ConfigureAwait(false);
            }
        }

        if (_res.StatusCode == 101)
        {
            if ((_req.ConnectionOptions & HttpConnectionOptions.Upgrade) == 0 || !_req.HasUpgrade || _upload is not null)
            {
                return await FailMidResponseAsync(server, TerminationCause.ServerParseError, headSent: false).ConfigureAwait(false);
            }
            WriteResponseHead(client, keepClient: false, upgrade: true);
            return await TunnelAsync(server).ConfigureAwait(false);
        }

        if (_res.Framing == HttpBodyFraming.Tunnel)
        {
            // A 2xx to CONNECT: from here on the connection is the member's opaque tunnel, both ways.
            WriteResponseHead(client, keepClient: true, upgrade: false);
            return await TunnelAsync(server).ConfigureAwait(false);
        }

        var framing = _res.Framing;
        var keepClient = _req.KeepAlive && framing != HttpBodyFraming.UntilClose && framing != HttpBodyFraming.Tunnel
            && http.KeepAliveTimeout > 0 && (http.MaxRequests == 0 || _requests < http.MaxRequests);
        if (_ctx.Rules is { } rules)
        {
            var go = await _proxy.Events.OnEventAsync(ProxyEvent.HttpResponse, _ctx).ConfigureAwait(false) == ProxyEventStatus.Continue;
            if (go && rules.RetryRequested)
            {
                return await DropForRetryAsync(server, bodyRead: false).ConfigureAwait(false);
            }
            if (go && rules.ResponseCollect > 0)
            {
                go = await CollectResponseBodyAsync(server, rules).ConfigureAwait(false);
                if (go && rules.RetryRequested)
                {
                    return await DropForRetryAsync(server, bodyRead: true).ConfigureAwait(false);
                }
            }
            if (!go || await _proxy.Events.OnEventAsync(ProxyEvent.HttpResponseRelease, _ctx).ConfigureAwait(false) != ProxyEventStatus.Continue)
            {
                await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                return await RuleVerdictAsync(server, writeLog: false).ConfigureAwait(false);
            }
            rules.ResponseStarted();
            if (rules.ResponseBodyOverride is not null)
            {
                return await SendResponseOverrideAsync(server, rules, keepClient).ConfigureAwait(false);
            }
        }
        WriteResponseHead(client, keepClient, upgrade: false);
        _responseBytes = client.Buffered;
        var result = framing == HttpBodyFraming.None || (framing == HttpBodyFraming.ContentLength && _res.ContentLength == 0)
            ? await FlushClientAsync(server).ConfigureAwait(false) ? BodyResult.Done : BodyResult.DestinationFailed
            : await CopyBodyAsync(server.Side.Reader, client, framing, _res.ContentLength, framing == HttpBodyFraming.Chunked ? _responseChunks ??= new() : null, TerminationCause.ServerTimeout).ConfigureAwait(false);
        switch (result)
        {
            case BodyResult.SourceFailed:
            case BodyResult.Invalid:
                return await FailMidResponseAsync(server, result == BodyResult.Invalid ? TerminationCause.ServerParseError : TerminationCause.ServerClosed, headSent: true).ConfigureAwait(false);
            case BodyResult.DestinationFailed:
                _ctx.Fail(TerminationCause.ClientClosed);
                _requestCause = TerminationCause.ClientClosed;
                await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                return false;
        }

        // The response is complete. If the request body is still coming (the member answered early), the two sides
        // are out of step: neither connection can carry another message.
        var uploadDone = true;
        if (_upload is { } upload)
        {
            if (upload.IsCompleted)
            {
                uploadDone = await upload.ConfigureAwait(false) == BodyResult.Done;
                _upload = null;
            }
            else
            {
                uploadDone = false;
                await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                await CloseGentlyAsync().ConfigureAwait(false);
                return false;
            }
        }
        var serverReusable = uploadDone && _res.KeepAlive && framing is HttpBodyFraming.None or HttpBodyFraming.ContentLength or HttpBodyFraming.Chunked
            && _req.Version == HttpProtocolVersion.Http11;
        ReleaseServer(server, serverReusable);
        return keepClient && uploadDone;
    }

    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<bool> FlushClientAsync(ServerConnection server)
    {
        try
        {
            await _ctx.Client.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (IsIo(ex))
        {
            _ctx.Fail(TerminationCause.ClientClosed);
            _requestCause = TerminationCause.ClientClosed;
            await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
            return false;
        }
    }

    private async ValueTask<bool> FailMidResponseAsync(ServerConnection server, TerminationCause cause, bool headSent)
    {
        if (_ctx.Cause == TerminationCause.ServerTimeout)
        {
            cause = TerminationCause.ServerTimeout;
        }
        await DropServerAsync(server, cause).ConfigureAwait(false);
        if (!headSent)
        {
            return await RespondLocalAsync(cause == TerminationCause.ServerTimeout ? 504 : 502, cause).ConfigureAwait(false);
        }
        _ctx.Fail(cause);
        _requestCause = cause;
        _ctx.Client.Abort();
        return false;
    }

    /// <summary>
    /// The response head as the client gets it: the status line and field lines as the member sent them, minus hop-by-hop
    /// fields; Server removed or replaced as the profile says; <c>Connection: close</c> when the proxy will close.
    /// </summary>
    private void WriteResponseHead(ProxySide dst, bool keepClient, bool upgrade)
    {
        var http = _plan.Http!;
        var raw = _res.Raw;
        var lineEnd = raw.IndexOf("\r\n"u8) + 2;
        dst.Append(raw[..lineEnd]);
        var edited = !upgrade && _ctx.Rules is { } rules && rules.WriteResponseFields(dst);
        var filter = HopByHop.ForResponse(_res, http, upgrade);
        foreach (ref readonly var field in edited ? [] : _res.Headers)
        {
            // A cookie-persistence Set-Cookie the selector rewrites goes out as rewritten, below.
            if (filter.Forwards(field) && !(field.Known == HttpKnownHeader.SetCookie && DataPlane.Selection.MemberSelector.IsRewritten(_ctx, _res, field)))
            {
                dst.Append(raw.Slice(field.Line.Offset, field.Line.Length));
            }
        }
        _proxy.Selector.AppendResponseFields(_ctx, _res, dst);
        if (!edited && _plan.ServerHeaderValue.Length > 0 && http.ServerHeaderAction == "replace")
        {
            dst.Append(_plan.ServerHeaderValue);
        }
        if (upgrade)
        {
            dst.Append("Connection: upgrade\r\n"u8);
        }
        else if (!keepClient)
        {
            dst.Append("Connection: close\r\n"u8);
        }
        else if (_req.Version == HttpProtocolVersion.Http10)
        {
            dst.Append("Connection: keep-alive\r\n"u8);
        }
        dst.Append("\r\n"u8);
    }

    /// <summary>After 101: bytes both ways until both sides close (half-close respected), as the L4 proxy does.</summary>
    private async ValueTask<bool> TunnelAsync(ServerConnection server)
    {
        if (!await FlushClientAsync(server).ConfigureAwait(false))
        {
            return false;
        }
        _ctx.SetDeadline(_plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
        var up = TunnelOneWayAsync(_client, server.Side, isRequest: true);
        var down = TunnelOneWayAsync(server.Side.Reader, _ctx.Client, isRequest: false);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
        return false;
    }

    private async Task TunnelOneWayAsync(PipeReader from, ProxySide to, bool isRequest)
    {
        var result = await CopyBodyAsync(from, to, HttpBodyFraming.Tunnel, -1, null, TerminationCause.ClientTimeout).ConfigureAwait(false);
        if (result == BodyResult.Done)
        {
            to.ShutdownSend();
            return;
        }
        var clientBroke = (result == BodyResult.SourceFailed) == isRequest;
        _ctx.Fail(clientBroke ? TerminationCause.ClientClosed : TerminationCause.ServerClosed);
        _ctx.Client.Abort();
        _ctx.Server?.Abort();
    }
}
