using static Fulcrum.Appliance.Http.HttpCharacters;

namespace Fulcrum.Appliance.Http;

/// <summary>
/// Field lines of a request or response head, up to and including the empty line, plus the per-field semantics that decide
/// framing. Shared by both parsers so a response is held to the same rules as a request.
/// </summary>
internal static class HttpHeaderBlockParser
{
    /// <summary>
    /// Finds the CRLF ending the start line (request or status line). Complete means <paramref name="end"/> is the index of
    /// its CR; otherwise the result is Incomplete or the error to report. A line over the limit is refused as soon as
    /// the limit is passed rather than when it finally ends, or a slow client would hold a buffer.
    /// </summary>
    public static HttpParseResult FindStartLineEnd(ReadOnlySpan<byte> input, int maxBytes, HttpRejectReason tooLong, out int end)
    {
        end = input[..Math.Min(input.Length, maxBytes + 1)].IndexOfAny(LineEnd);
        if (end < 0)
        {
            return input.Length > maxBytes ? HttpParseResult.Error(tooLong, maxBytes) : HttpParseResult.Incomplete();
        }
        if (input[end] == LF)
        {
            return HttpParseResult.Error(HttpRejectReason.BareLf, end);
        }
        if (end + 1 >= input.Length)
        {
            return HttpParseResult.Incomplete();
        }
        return input[end + 1] != LF ? HttpParseResult.Error(HttpRejectReason.BareCr, end) : HttpParseResult.Complete(end + 2);
    }

    /// <summary>
    /// Parses fields from <paramref name="start"/> (just after the start line) in <paramref name="head"/>. Complete carries
    /// the head length; offsets are from the start of <paramref name="head"/>.
    /// </summary>
    public static HttpParseResult Parse(
        ReadOnlySpan<byte> head, int start, HttpMessageHead message, HttpRequestHead? request, in HttpParserLimits limits)
    {
        var position = start;
        while (true)
        {
            var budget = limits.MaxHeaderBytes - (position - start);
            var rest = head[position..];
            var window = rest[..Math.Min(rest.Length, Math.Max(budget, 0))];
            var end = window.IndexOfAny(LineEnd);
            if (end < 0)
            {
                // No line end inside what the budget still allows: once that much is buffered no CRLF can fit any more.
                return rest.Length >= budget
                    ? HttpParseResult.Error(HttpRejectReason.HeadersTooLarge, position + Math.Max(budget, 0))
                    : HttpParseResult.Incomplete();
            }

            if (rest[end] == LF)
            {
                return HttpParseResult.Error(HttpRejectReason.BareLf, position + end);
            }

            if (end + 2 > budget)
            {
                return HttpParseResult.Error(HttpRejectReason.HeadersTooLarge, position + end);
            }

            if (end + 1 >= rest.Length)
            {
                return HttpParseResult.Incomplete();
            }

            if (rest[end + 1] != LF)
            {
                return HttpParseResult.Error(HttpRejectReason.BareCr, position + end);
            }

            if (end == 0)
            {
                return HttpParseResult.Complete(position + 2);
            }

            if (message.HeaderCount == limits.MaxHeaderCount)
            {
                return HttpParseResult.Error(HttpRejectReason.TooManyHeaders, position);
            }

            var error = ParseField(rest[..end], position, message, request, out var errorAt);
            if (error != HttpRejectReason.None)
            {
                return HttpParseResult.Error(error, errorAt);
            }

            position += end + 2;
        }
    }

    /// <summary>Checks whatever a Complete head still owes once every field is known (counts and combinations).</summary>
    public static HttpRejectReason FinishTransferEncoding(HttpMessageHead message, bool isRequest, out int errorAt)
    {
        errorAt = message.TransferEncodingOffset;
        if (!message.HasTransferEncoding)
        {
            return HttpRejectReason.None;
        }

        // RFC 9112 §6.1: an HTTP/1.0 recipient cannot know chunked, so a 1.0 message with TE is framed faultily by definition.
        if (message.Version == HttpProtocolVersion.Http10)
        {
            return HttpRejectReason.TransferEncodingInHttp10;
        }

        // RFC 9112 §6.3: both present is the classic smuggling shape; the two hops may each pick a different one.
        if (message.ContentLength >= 0)
        {
            errorAt = Math.Max(message.TransferEncodingOffset, message.ContentLengthOffset);
            return HttpRejectReason.ContentLengthWithTransferEncoding;
        }

        if (isRequest)
        {
            if (!message.ChunkedIsFinal)
            {
                return HttpRejectReason.ChunkedNotFinal;
            }

            if (message.UnknownCodingSeen)
            {
                return HttpRejectReason.UnsupportedTransferEncoding;
            }
        }

        return HttpRejectReason.None;
    }

    private static HttpRejectReason ParseField(
        ReadOnlySpan<byte> line, int lineOffset, HttpMessageHead message, HttpRequestHead? request, out int errorAt)
    {
        errorAt = lineOffset;
        if (IsWhitespace(line[0]))
        {
            // obs-fold (RFC 9112 §5.2), or whitespace before the first field (§2.2): both let hops disagree on field boundaries.
            return HttpRejectReason.ObsFold;
        }

        var colon = line.IndexOf(Colon);
        if (colon < 0)
        {
            errorAt = lineOffset + line.Length;
            return HttpRejectReason.MissingColon;
        }

        var name = line[..colon];
        if (name.IsEmpty)
        {
            return HttpRejectReason.InvalidHeaderName;
        }

        if (IsWhitespace(name[^1]))
        {
            // RFC 9112 §5.1: some servers strip it and read "Transfer-Encoding : chunked" as TE, others do not.
            errorAt = lineOffset + colon - 1;
            return HttpRejectReason.WhitespaceBeforeColon;
        }

        var badName = name.IndexOfAnyExcept(Token);
        if (badName >= 0)
        {
            errorAt = lineOffset + badName;
            return HttpRejectReason.InvalidHeaderName;
        }

        var value = TrimWhitespace(line[(colon + 1)..], out var leading);
        var valueOffset = lineOffset + colon + 1 + leading;
        var badValue = value.IndexOfAnyExcept(FieldValue);
        if (badValue >= 0)
        {
            errorAt = valueOffset + badValue;
            return HttpRejectReason.ControlCharacterInValue;
        }

        var known = HttpHeaderNames.Identify(name);
        if (known == HttpKnownHeader.Unknown && HttpHeaderNames.IdentifyFolded(name) != HttpKnownHeader.Unknown)
        {
            // Forwarded as is, "Transfer_Encoding" is a second framing field for a server that folds '_' into '-'
            // (and "X_Forwarded_For" a spoofed client address past our own). Other underscore names pass.
            errorAt = lineOffset + name.IndexOf((byte)'_');
            return HttpRejectReason.AmbiguousHeaderName;
        }

        var valueRange = new HttpRange(valueOffset, value.Length);
        message.AddHeader(new HttpHeaderField(
            known, new HttpRange(lineOffset, line.Length + 2), new HttpRange(lineOffset, colon), valueRange));

        errorAt = valueOffset;
        return known switch
        {
            HttpKnownHeader.ContentLength => OnContentLength(value, lineOffset, message),
            HttpKnownHeader.TransferEncoding => OnTransferEncoding(value, lineOffset, message, ref errorAt),
            HttpKnownHeader.Connection => OnConnection(value, valueOffset, message, ref errorAt),
            HttpKnownHeader.Upgrade => OnUpgrade(value, valueRange, message),
            HttpKnownHeader.Host when request is not null => OnHost(value, lineOffset, valueRange, request, ref errorAt),
            HttpKnownHeader.Expect when request is not null => OnExpect(value, request),
            _ => HttpRejectReason.None,
        };
    }

    private static HttpRejectReason OnContentLength(ReadOnlySpan<byte> value, int lineOffset, HttpMessageHead message)
    {
        // RFC 9110 §8.6 lets a recipient fold "5, 5" or repeated equal fields into one; we refuse instead, because an
        // upstream that takes the first of two differing values while a backend takes the last is a smuggling vector.
        if (message.ContentLength >= 0 || value.Contains(Comma))
        {
            return HttpRejectReason.DuplicateContentLength;
        }

        if (value.IsEmpty || value.ContainsAnyExcept(Digits))
        {
            return HttpRejectReason.InvalidContentLength;
        }

        // "007" is 7 to us but octal or an error to others; a length is written without leading zeros.
        if (value.Length > 1 && value[0] == (byte)'0')
        {
            return HttpRejectReason.InvalidContentLength;
        }

        long length = 0;
        foreach (var digit in value)
        {
            if (length > (long.MaxValue - 9) / 10)
            {
                return HttpRejectReason.InvalidContentLength;
            }

            length = (length * 10) + (digit - '0');
        }

        message.ContentLength = length;
        message.ContentLengthOffset = lineOffset;
        return HttpRejectReason.None;
    }

    private static HttpRejectReason OnTransferEncoding(
        ReadOnlySpan<byte> value, int lineOffset, HttpMessageHead message, ref int errorAt)
    {
        if (!message.HasTransferEncoding)
        {
            message.HasTransferEncoding = true;
            message.TransferEncodingOffset = lineOffset;
        }

        var valueStart = errorAt;
        var list = new HttpListReader(value);
        var any = false;
        while (list.TryNext(out var coding, out var offset))
        {
            any = true;
            errorAt = valueStart + offset;

            // Empty elements and parameters are legal for a lenient recipient, but framing is where leniency gets exploited.
            if (coding.IsEmpty || coding.ContainsAnyExcept(Token))
            {
                return HttpRejectReason.InvalidTransferEncoding;
            }

            if (HttpAscii.EqualsIgnoreCase(coding, HttpHeaderNames.Chunked))
            {
                if (message.ChunkedSeen)
                {
                    return HttpRejectReason.DuplicateChunked;
                }

                message.ChunkedSeen = true;
                message.ChunkedIsFinal = true;
            }
            else
            {
                message.ChunkedIsFinal = false;
                message.UnknownCodingSeen = true;
            }
        }

        return any ? HttpRejectReason.None : HttpRejectReason.InvalidTransferEncoding;
    }

    private static HttpRejectReason OnConnection(
        ReadOnlySpan<byte> value, int valueOffset, HttpMessageHead message, ref int errorAt)
    {
        var list = new HttpListReader(value);
        while (list.TryNext(out var token, out var offset))
        {
            errorAt = valueOffset + offset;
            if (token.IsEmpty)
            {
                continue;
            }

            if (token.ContainsAnyExcept(Token))
            {
                return HttpRejectReason.InvalidConnectionHeader;
            }

            if (HttpAscii.EqualsIgnoreCase(token, HttpHeaderNames.Close))
            {
                message.ConnectionOptions |= HttpConnectionOptions.Close;
            }
            else if (HttpAscii.EqualsIgnoreCase(token, HttpHeaderNames.KeepAlive))
            {
                message.ConnectionOptions |= HttpConnectionOptions.KeepAlive;
            }
            else if (HttpAscii.EqualsIgnoreCase(token, HttpHeaderNames.Upgrade))
            {
                message.ConnectionOptions |= HttpConnectionOptions.Upgrade;
            }
            else
            {
                // A hop that honours "Connection: content-length" strips the framing header and forwards the body as the
                // next request; the proxy must never be talked into removing framing or routing fields.
                var kind = HttpHeaderNames.Identify(token);
                if (kind is HttpKnownHeader.ContentLength or HttpKnownHeader.TransferEncoding or HttpKnownHeader.Host)
                {
                    return HttpRejectReason.InvalidConnectionHeader;
                }

                message.AddConnectionToken(new HttpRange(valueOffset + offset, token.Length));
            }
        }

        return HttpRejectReason.None;
    }

    private static HttpRejectReason OnUpgrade(ReadOnlySpan<byte> value, HttpRange range, HttpMessageHead message)
    {
        message.HasUpgrade = true;
        message.Upgrade = range;
        var list = new HttpListReader(value);
        while (list.TryNext(out var protocol, out _))
        {
            // protocol-name ["/" protocol-version] (RFC 9110 §7.8): "h2c" whatever version follows.
            var slash = protocol.IndexOf(Slash);
            if (HttpAscii.EqualsIgnoreCase(slash < 0 ? protocol : protocol[..slash], HttpHeaderNames.H2c))
            {
                message.UpgradeOffersH2c = true;
            }
        }
        return HttpRejectReason.None;
    }

    private static HttpRejectReason OnHost(
        ReadOnlySpan<byte> value, int lineOffset, HttpRange valueRange, HttpRequestHead request, ref int errorAt)
    {
        if (++request.HostCount > 1)
        {
            errorAt = lineOffset;
            return HttpRejectReason.DuplicateHost;
        }

        // An empty Host is valid (RFC 9110 §7.2) when the target has no authority; the router treats it as no match.
        if (!value.IsEmpty && !HttpHostSyntax.IsValid(value, requirePort: false))
        {
            return HttpRejectReason.InvalidHost;
        }

        request.Host = valueRange;
        return HttpRejectReason.None;
    }

    private static HttpRejectReason OnExpect(ReadOnlySpan<byte> value, HttpRequestHead request)
    {
        if (!HttpAscii.EqualsIgnoreCase(value, HttpHeaderNames.HundredContinue))
        {
            return HttpRejectReason.UnsupportedExpectation;
        }

        request.ExpectContinue = true;
        return HttpRejectReason.None;
    }
}
