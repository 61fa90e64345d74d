using System.Runtime.CompilerServices;
using System.IO.Pipelines;
using System.Buffers;
using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>The request side: reading and refusing heads, rewriting them for the member, sending bodies.</summary>
internal sealed partial class HttpSession
{
    /// <summary>
    /// Waits for the next request head. The first head must arrive within the header timeout of the accept; later ones
    /// may idle for the keep-alive timeout, then must complete within the header timeout of their first byte
    /// (slowloris is cut at the header timeout whatever the byte rate). Returns false when the connection is done.
    /// </summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<bool> ReadRequestHeadAsync()
    {
        var http = _plan.Http!;
        var headerMs = http.HeaderTimeout * 1000L;
        var first = _requests == 0;
        _ctx.SetDeadline(first ? headerMs : http.KeepAliveTimeout * 1000L, TerminationCause.ClientTimeout);
        var sawBytes = false;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await _client.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIo(ex))
            {
                if (sawBytes)
                {
                    _ctx.Fail(TerminationCause.ClientClosed);
                }
                return false;
            }
            var buffer = read.Buffer;
            if (!sawBytes && !buffer.IsEmpty)
            {
                sawBytes = true;
                if (!first)
                {
                    _ctx.SetDeadline(headerMs, TerminationCause.ClientTimeout);
                }
            }
            if (buffer.IsEmpty && read.IsCompleted)
            {
                _client.AdvanceTo(buffer.End);
                return false; // a clean close between requests
            }
            var result = HttpRequestParser.Parse(buffer, _req, _plan.HttpLimits);
            switch (result.Status)
            {
                case HttpParseStatus.Complete:
                    _client.AdvanceTo(buffer.GetPosition(result.Consumed));
                    _ctx.SetDeadline(_plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
                    return true;
                case HttpParseStatus.Error:
                    _client.AdvanceTo(buffer.End);
                    _requestStart = System.Diagnostics.Stopwatch.GetTimestamp();
                    _plan.Counters.Request();
                    await RespondLocalAsync(HttpRejectReasons.StatusCode(result.Reason), TerminationCause.ClientParseError).ConfigureAwait(false);
                    return false;
                default:
                    if (read.IsCompleted)
                    {
                        _client.AdvanceTo(buffer.End);
                        _ctx.Fail(TerminationCause.ClientClosed);
                        return false;
                    }
                    _client.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }

    /// <summary>
    /// The request head as the member gets it: the request line and every field line copied as they came, minus the
    /// hop-by-hop fields (Connection and the fields it names, Keep-Alive, Proxy-Connection, TE, HTTP2-Settings, and
    /// Upgrade unless the client asked for an upgrade the proxy relays: never h2c), plus X-Forwarded-For / -Proto / Via
    /// as the profile says. An absolute-form target's authority replaces the Host field.
    /// </summary>
    private void WriteRequestHead(ProxySide dst)
    {
        var http = _plan.Http!;
        var raw = _req.Raw;
        var lineEnd = raw.IndexOf("\r\n"u8) + 2;
        var rules = _ctx.Rules;
        if (rules is null || !rules.WriteRequestLine(dst))
        {
            dst.Append(raw[..lineEnd]);
        }
        var upgrade = HopByHop.RequestUpgrades(_req);
        if (rules is not null && rules.WriteRequestFields(dst))
        {
            // A rule edited the fields: its list (the proxy's X-Forwarded-For / -Proto / Via included) goes out instead.
            if (upgrade)
            {
                dst.Append("Connection: upgrade\r\n"u8);
            }
            dst.Append("\r\n"u8);
            rules.WriteRequestBodyOverride(dst);
            return;
        }
        if (_req.HostFromTarget)
        {
            // RFC 9112 §3.2.2: the absolute-form target's authority is the host; the client's Host field is not sent.
            dst.Append("Host: "u8);
            dst.Append(_req[_req.Host]);
            dst.Append("\r\n"u8);
        }
        var filter = HopByHop.ForRequest(_req, http, _xffTrusted);
        foreach (ref readonly var field in _req.Headers)
        {
            if (filter.Forwards(field))
            {
                dst.Append(raw.Slice(field.Line.Offset, field.Line.Length));
            }
        }
        if (upgrade)
        {
            dst.Append("Connection: upgrade\r\n"u8);
        }
        if (_xffAddress is not null)
        {
            // Formatted into the output buffer: no per-connection string or line (an IPv6 address is at most 45 bytes).
            dst.Append("X-Forwarded-For: "u8);
            _xffAddress.TryFormat(dst.GetSpan(64), out var written);
            dst.Advance(written);
            dst.Append("\r\n"u8);
        }
        if (http.InsertXForwardedProto)
        {
            // The client side's TLS (the client-ssl layer wrapped the client stream), not the member side's.
            dst.Append(_ctx.Client.IsLayered ? "X-Forwarded-Proto: https\r\n"u8 : "X-Forwarded-Proto: http\r\n"u8);
        }
        if (http.InsertVia)
        {
            dst.Append(_req.Version == HttpProtocolVersion.Http10 ? "Via: 1.0 fulcrum\r\n"u8 : "Via: 1.1 fulcrum\r\n"u8);
        }
        dst.Append("\r\n"u8);
    }

    /// <summary>A short Content-Length body already in the client's buffer goes out with the head in one send, no task.</summary>
    private bool TryAppendBufferedBody(ProxySide dst)
    {
        if (_req.Framing != HttpBodyFraming.ContentLength || _req.ContentLength > ProxySide.OutputBufferSize || !_client.TryRead(out var read))
        {
            return false;
        }
        var buffer = read.Buffer;
        if (buffer.Length < _req.ContentLength)
        {
            _client.AdvanceTo(buffer.Start);
            return false;
        }
        var body = buffer.Slice(0, _req.ContentLength);
        var span = dst.GetSpan((int)body.Length);
        body.CopyTo(span);
        dst.Advance((int)body.Length);
        _client.AdvanceTo(body.End);
        return true;
    }

    /// <summary>Streams the request body to the member while the response is awaited (the member may answer early, or send 100 Continue first).</summary>
    private async Task<BodyResult> UploadAsync(ServerConnection server)
    {
        var result = await CopyBodyAsync(_client, server.Side, _req.Framing, _req.ContentLength, _req.Framing == HttpBodyFraming.Chunked ? _requestChunks ??= new(filterTrailers: true) : null, TerminationCause.ClientTimeout).ConfigureAwait(false);
        if (_abandoning)
        {
            return result; // stopped on purpose: not the client's fault
        }
        switch (result)
        {
            case BodyResult.SourceFailed:
                _ctx.Fail(TerminationCause.ClientClosed);
                server.Side.Abort();
                break;
            case BodyResult.Invalid:
                _ctx.Fail(TerminationCause.ClientParseError);
                server.Side.Abort();
                break;
            case BodyResult.DestinationFailed:
                // The member stopped reading (it may have answered early); the response side sees the rest.
                break;
        }
        return result;
    }

    /// <summary>Answers the client from the proxy and closes (refusals, no member, gateway errors).</summary>
    private async ValueTask<bool> RespondLocalAsync(int status, TerminationCause cause = TerminationCause.None)
    {
        if (cause == TerminationCause.None && status == 503)
        {
            cause = _lastConnectFailure;
        }
        _ctx.Fail(cause);
        _requestCause = cause;
        _localStatus = status;
        _ctx.Client.DiscardOutput();
        try
        {
            _ctx.Client.Append(LocalResponses.Get(status));
            _responseBytes = LocalResponses.Get(status).Length;
            await _ctx.Client.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsIo(ex))
        {
        }
        await CloseGentlyAsync().ConfigureAwait(false);
        WriteAccessLog();
        return false;
    }

    /// <summary>
    /// FIN after the last response, then read and drop what the client still sends for a moment: closing with unread
    /// bytes makes the kernel send a reset, which can destroy the response still in flight to the client.
    /// </summary>
    private async ValueTask CloseGentlyAsync()
    {
        try
        {
            _ctx.Client.ShutdownSend();
            await DrainClientAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsIo(ex))
        {
        }
    }

    private async ValueTask DrainClientAsync()
    {
        const long LingerMs = 1000;
        const long MaxBytes = 256 * 1024;
        _ctx.SetDeadline(LingerMs, TerminationCause.ClientTimeout);
        long drained = 0;
        while (drained < MaxBytes)
        {
            var read = await _client.ReadAsync().ConfigureAwait(false);
            drained += read.Buffer.Length;
            _client.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break; // a cancelled read (left over from stopping an upload) just reads again
            }
        }
        _ctx.ClearDeadline();
    }
}
