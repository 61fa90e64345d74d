using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Fulcrum.Appliance.DataPlane.Connect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Rules;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>
/// The HTTP session's rule-specific work, kept apart from the proxy's own files: acting on a verdict (local response
/// with HTTP_RESPONSE_RELEASE run on it, close, reset) and body collection for HTTP_REQUEST_DATA / HTTP_RESPONSE_DATA.
/// </summary>
internal sealed partial class HttpSession
{
    /// <summary>
    /// Acts on what a rule decided: sends its local response (after HTTP_RESPONSE_RELEASE has seen it) and keeps the
    /// client connection when it can, or closes / resets it. Returns whether the client connection carries on.
    /// </summary>
    private async ValueTask<bool> RuleVerdictAsync(ServerConnection? server, bool writeLog = true)
    {
        _ = server;
        var rules = _ctx.Rules!;
        if (rules.Verdict == RuleVerdict.Respond)
        {
            rules.BeginLocalResponse();
            var release = await _proxy.Events.OnEventAsync(ProxyEvent.HttpResponseRelease, _ctx).ConfigureAwait(false);
            if (release == ProxyEventStatus.Responded)
            {
                rules.BeginLocalResponse(); // a rule error in RELEASE: the error answer replaces the response
            }
            else if (release != ProxyEventStatus.Continue)
            {
                return await EndByRuleAsync(rules, writeLog).ConfigureAwait(false);
            }
            var http = _plan.Http!;
            var bodyLeft = _upload is not null || (rules.RequestBodyOverride is null && (_req.Framing == HttpBodyFraming.Chunked || (_req.Framing == HttpBodyFraming.ContentLength && _req.ContentLength > 0)));
            var keep = _req.KeepAlive && !bodyLeft && !rules.CloseAfterResponse && http.KeepAliveTimeout > 0 && (http.MaxRequests == 0 || _requests < http.MaxRequests);
            _localStatus = rules.LocalInFlight!.Status;
            _ctx.Client.DiscardOutput();
            _responseBytes = rules.WriteLocalResponse(_ctx.Client, keep);
            rules.EndRequest();
            try
            {
                await _ctx.Client.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIo(ex))
            {
                _ctx.Fail(TerminationCause.ClientClosed);
                keep = false;
            }
            if (writeLog)
            {
                WriteAccessLog();
            }
            if (!keep)
            {
                await CloseGentlyAsync().ConfigureAwait(false);
            }
            return keep;
        }
        return await EndByRuleAsync(rules, writeLog).ConfigureAwait(false);
    }

    private async ValueTask<bool> EndByRuleAsync(RuleSession rules, bool writeLog)
    {
        if (writeLog)
        {
            WriteAccessLog();
        }
        await RuleOutcome.EndAsync(_ctx, rules.Verdict == RuleVerdict.Close ? ProxyEventStatus.Close : ProxyEventStatus.Reset).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// ctx.http.collect() in HTTP_REQUEST: the body is held whole (it is also what a retry() sends again), then
    /// HTTP_REQUEST_DATA runs on it. True: go on (collected and maybe replaced, or too big and streamed as it is).
    /// </summary>
    private async ValueTask<bool> CollectRequestBodyAsync(RuleSession rules)
    {
        var hasBody = _req.Framing == HttpBodyFraming.Chunked || (_req.Framing == HttpBodyFraming.ContentLength && _req.ContentLength > 0);
        if (!hasBody)
        {
            return true;
        }
        var body = await PeekBodyAsync(_client, _req, rules.RequestCollect, TerminationCause.ClientTimeout).ConfigureAwait(false);
        if (body is null)
        {
            return true; // over the cap: not collected, streamed unchanged
        }
        if (body.Failed)
        {
            _ctx.Fail(TerminationCause.ClientClosed);
            return false;
        }
        var status = ProxyEventStatus.Continue;
        if (body.Decoded is not null && rules.Handles(Scripting.Events.RuleEvent.HttpRequestData))
        {
            rules.SetBody(body.Decoded, response: false);
            status = await _proxy.Events.OnEventAsync(ProxyEvent.HttpRequestData, _ctx).ConfigureAwait(false);
        }
        rules.SetRequestBody(body.Raw, body.Decoded, body.Encoded);
        return status == ProxyEventStatus.Continue;
    }

    /// <summary>HTTP_RESPONSE_DATA. False: a rule decided (or the member broke); the caller acts on the verdict.</summary>
    private async ValueTask<bool> CollectResponseBodyAsync(ServerConnection server, RuleSession rules)
    {
        if (_res.Framing is not (HttpBodyFraming.ContentLength or HttpBodyFraming.Chunked or HttpBodyFraming.UntilClose)
            || (_res.Framing == HttpBodyFraming.ContentLength && _res.ContentLength == 0)
            || !rules.Handles(Scripting.Events.RuleEvent.HttpResponseData))
        {
            return true;
        }
        var body = await PeekBodyAsync(server.Side.Reader, _res, rules.ResponseCollect, TerminationCause.ServerTimeout).ConfigureAwait(false);
        if (body is null)
        {
            return true;
        }
        if (body.Failed)
        {
            return false;
        }
        var status = ProxyEventStatus.Continue;
        if (body.Decoded is not null)
        {
            rules.SetBody(body.Decoded, response: true);
            status = await _proxy.Events.OnEventAsync(ProxyEvent.HttpResponseData, _ctx).ConfigureAwait(false);
        }
        rules.SetResponseBody(body.Raw, body.Decoded, body.Encoded);
        return status == ProxyEventStatus.Continue;
    }

    /// <summary>
    /// A rule called retry(): this response goes nowhere. With OneConnect its server connection goes back to the pool
    /// only when nothing of the response is left unread (no body, a body the rule collected, or one already whole in
    /// the buffer); a body still on the wire would be read as the next response, so such a connection is closed.
    /// Without OneConnect the connection is closed: the retry is balanced afresh and opens its own.
    /// </summary>
    private async ValueTask<bool> DropForRetryAsync(ServerConnection server, bool bodyRead)
    {
        _retrying = true;
        if (_upload is not null)
        {
            // Not reached: retry() refuses a request whose body is streaming. Stopped properly all the same.
            await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
            return true;
        }
        var reusable = _plan.OneConnect is not null && _res.KeepAlive && _req.Version == HttpProtocolVersion.Http11
            && (bodyRead ? _res.Framing != HttpBodyFraming.UntilClose : SkipBufferedBody(server.Side.Reader));
        ReleaseServer(server, reusable);
        return true;
    }

    /// <summary>Consumes the response body if it is exactly what the buffer holds; false (nothing consumed) otherwise.</summary>
    private bool SkipBufferedBody(PipeReader reader)
    {
        switch (_res.Framing)
        {
            case HttpBodyFraming.None:
            case HttpBodyFraming.ContentLength when _res.ContentLength == 0:
                return !reader.TryRead(out var nothing) || Consume(reader, nothing.Buffer, nothing.Buffer.Length == 0);
            case HttpBodyFraming.ContentLength:
            case HttpBodyFraming.Chunked:
                if (!reader.TryRead(out var read))
                {
                    return false;
                }
                var buffer = read.Buffer;
                if (_res.Framing == HttpBodyFraming.ContentLength)
                {
                    return Consume(reader, buffer, buffer.Length == _res.ContentLength);
                }
                var chunks = _responseChunks ??= new();
                chunks.Reset();
                var r = chunks.Decode(buffer);
                return Consume(reader, buffer, !r.IsError && r.IsComplete && r.Consumed == buffer.Length);
            default:
                return false;
        }
    }

    private static bool Consume(PipeReader reader, ReadOnlySequence<byte> buffer, bool whole)
    {
        reader.AdvanceTo(whole ? buffer.End : buffer.Start);
        return whole;
    }

    /// <summary>Sends a response whose body a rule collected: the edited head with a fresh Content-Length, then the body.</summary>
    private async ValueTask<bool> SendResponseOverrideAsync(ServerConnection server, RuleSession rules, bool keepClient)
    {
        var untilClose = _res.Framing == HttpBodyFraming.UntilClose;
        WriteResponseHead(_ctx.Client, keepClient, upgrade: false);
        _ctx.Client.Append(rules.ResponseBodyOverride);
        _responseBytes = _ctx.Client.Buffered;
        if (!await FlushClientAsync(server).ConfigureAwait(false))
        {
            return false;
        }
        if (_upload is { } upload)
        {
            if (!upload.IsCompleted || await upload.ConfigureAwait(false) != BodyResult.Done)
            {
                await DropServerAsync(server, TerminationCause.None).ConfigureAwait(false);
                await CloseGentlyAsync().ConfigureAwait(false);
                return false;
            }
            _upload = null;
        }
        ReleaseServer(server, !untilClose && _res.KeepAlive && _req.Version == HttpProtocolVersion.Http11);
        return keepClient;
    }

    private sealed record CollectedBody(byte[] Raw, byte[]? Decoded, bool Encoded, bool Failed);

    /// <summary>
    /// Reads a whole body without consuming it until it is complete and within <paramref name="max"/> decoded bytes;
    /// then consumes it and returns it de-chunked (<c>Raw</c>, still content-coded) and decoded (gzip/deflate undone).
    /// Null when it is longer than the cap: nothing is consumed and the caller streams it as usual.
    /// </summary>
    private async ValueTask<CollectedBody?> PeekBodyAsync(PipeReader reader, HttpMessageHead head, int max, TerminationCause timeoutCause)
    {
        if (head.Framing == HttpBodyFraming.ContentLength && head.ContentLength > max)
        {
            return null;
        }
        var chunks = head.Framing == HttpBodyFraming.Chunked ? new HttpChunkedDecoder() : null;
        var data = new ArrayBufferWriter<byte>();
        long decodedUpTo = 0;
        while (true)
        {
            _ctx.SetDeadline(_plan.IdleTimeoutMs, timeoutCause);
            ReadResult read;
            try
            {
                read = await reader.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIo(ex))
            {
                return new CollectedBody([], [], false, true);
            }
            var buffer = read.Buffer;
            SequencePosition? end = null;
            switch (head.Framing)
            {
                case HttpBodyFraming.ContentLength:
                    if (buffer.Length >= head.ContentLength)
                    {
                        end = buffer.GetPosition(head.ContentLength);
                    }
                    break;
                case HttpBodyFraming.Chunked:
                    var r = chunks!.Decode(buffer.Slice(decodedUpTo), data);
                    if (r.IsError)
                    {
                        reader.AdvanceTo(buffer.Start);
                        return null; // the streaming path refuses it with its usual answer
                    }
                    decodedUpTo += r.Consumed;
                    if (chunks.IsComplete)
                    {
                        end = buffer.GetPosition(decodedUpTo);
                    }
                    else if (data.WrittenCount > max)
                    {
                        reader.AdvanceTo(buffer.Start);
                        return null;
                    }
                    break;
                default:
                    if (read.IsCompleted)
                    {
                        end = buffer.End;
                    }
                    else if (buffer.Length > max)
                    {
                        reader.AdvanceTo(buffer.Start);
                        return null;
                    }
                    break;
            }
            if (end is { } e)
            {
                var rawSlice = buffer.Slice(0, e);
                var raw = chunks is null ? rawSlice.ToArray() : data.WrittenSpan.ToArray();
                reader.AdvanceTo(e);
                _ctx.SetDeadline(_plan.IdleTimeoutMs, TerminationCause.ClientTimeout);
                var coding = head.TryGetValue("content-encoding"u8, out var value) ? System.Text.Encoding.ASCII.GetString(value).Trim().ToLowerInvariant() : "";
                if (coding is "gzip" or "x-gzip" or "deflate")
                {
                    var decoded = Decompress(raw, coding, max);
                    // Undecodable, or over the cap once decoded: the event is skipped, the body goes on as it came (re-framed).
                    return new CollectedBody(raw, decoded, decoded is not null, false);
                }
                return new CollectedBody(raw, raw.Length > max ? null : raw, false, false);
            }
            if (read.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return new CollectedBody([], [], false, true);
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static byte[]? Decompress(byte[] raw, string coding, int max)
    {
        try
        {
            using var input = new MemoryStream(raw);
            using Stream z = coding == "deflate"
                ? (raw.Length > 1 && (raw[0] & 0x0f) == 8 && ((raw[0] << 8) | raw[1]) % 31 == 0 ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress))
                : new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16384];
            int n;
            while ((n = z.Read(buffer)) > 0)
            {
                if (output.Length + n > max)
                {
                    return null;
                }
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
