using System.Buffers;
using static Fulcrum.Appliance.Http.HttpCharacters;

namespace Fulcrum.Appliance.Http;

/// <summary>
/// Strict HTTP/1.x response-head parser; same field rules as <see cref="HttpRequestParser"/>, plus the status line and
/// RFC 9112 §6.3 framing. The request method is needed because it changes the framing (HEAD, CONNECT).
/// Any error here is the server's fault: the proxy answers its client <see cref="HttpRejectReasons.ResponseRejectedStatusCode"/>.
/// </summary>
public static class HttpResponseParser
{
    private const int StatusCodeLength = 3;
    private const int MinStatusCode = 100;
    private const int MaxStatusCode = 599;

    public static HttpParseResult Parse(
        in ReadOnlySequence<byte> input, HttpResponseHead head, HttpMethodKind requestMethod, in HttpParserLimits limits)
    {
        head.Reset();
        if (input.IsSingleSegment)
        {
            return ParseAndCommit(input.FirstSpan, head, requestMethod, limits, inScratch: false);
        }

        var size = (int)Math.Min(input.Length, limits.MaxHeadBytes + 1L);
        var scratch = head.GetScratch(size);
        input.Slice(0, size).CopyTo(scratch);
        return ParseAndCommit(scratch, head, requestMethod, limits, inScratch: true);
    }

    public static HttpParseResult Parse(
        ref SequenceReader<byte> reader, HttpResponseHead head, HttpMethodKind requestMethod, in HttpParserLimits limits)
    {
        var result = Parse(reader.UnreadSequence, head, requestMethod, limits);
        if (result.IsComplete)
        {
            reader.Advance(result.Consumed);
        }

        return result;
    }

    public static HttpParseResult Parse(
        ReadOnlySpan<byte> input, HttpResponseHead head, HttpMethodKind requestMethod, in HttpParserLimits limits)
    {
        head.Reset();
        return ParseAndCommit(input, head, requestMethod, limits, inScratch: false);
    }

    private static HttpParseResult ParseAndCommit(
        ReadOnlySpan<byte> input, HttpResponseHead head, HttpMethodKind requestMethod, in HttpParserLimits limits, bool inScratch)
    {
        var result = ParseCore(input, head, requestMethod, limits);
        if (result.IsComplete)
        {
            head.Commit(input[..(int)result.Consumed], inScratch);
        }

        return result;
    }

    private static HttpParseResult ParseCore(
        ReadOnlySpan<byte> input, HttpResponseHead head, HttpMethodKind requestMethod, in HttpParserLimits limits)
    {
        var startLine = HttpHeaderBlockParser.FindStartLineEnd(input, limits.MaxStartLineBytes, HttpRejectReason.StatusLineTooLong, out var end);
        if (!startLine.IsComplete)
        {
            return startLine;
        }

        var lineError = ParseStatusLine(input[..end], head, out var errorAt);
        if (lineError != HttpRejectReason.None)
        {
            return HttpParseResult.Error(lineError, errorAt);
        }

        var fields = HttpHeaderBlockParser.Parse(input, end + 2, head, request: null, limits);
        if (!fields.IsComplete)
        {
            return fields;
        }

        var te = HttpHeaderBlockParser.FinishTransferEncoding(head, isRequest: false, out errorAt);
        if (te != HttpRejectReason.None)
        {
            return HttpParseResult.Error(te, errorAt);
        }

        // A response may carry codings we do not decode; only whether chunked is final matters for where it ends.
        var fromHeaders = head.HasTransferEncoding
            ? (head.ChunkedIsFinal ? HttpBodyFraming.Chunked : HttpBodyFraming.UntilClose)
            : head.ContentLength >= 0 ? HttpBodyFraming.ContentLength
            : HttpBodyFraming.None;
        head.Framing = HttpResponseFraming.Determine(requestMethod, head.StatusCode, fromHeaders);
        return fields;
    }

    /// <summary><c>HTTP-version SP 3DIGIT SP [ reason-phrase ]</c>.</summary>
    private static HttpRejectReason ParseStatusLine(ReadOnlySpan<byte> line, HttpResponseHead head, out int errorAt)
    {
        errorAt = 0;
        const int versionEnd = 8;
        const int codeStart = versionEnd + 1;
        const int codeEnd = codeStart + StatusCodeLength;
        if (line.Length < codeEnd || line[versionEnd] != SP)
        {
            return HttpRejectReason.InvalidStatusLine;
        }

        var version = line[..versionEnd];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            head.Version = HttpProtocolVersion.Http11;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            head.Version = HttpProtocolVersion.Http10;
        }
        else
        {
            return HttpRequestParser.IsWellFormedVersion(version)
                ? HttpRejectReason.UnsupportedVersion
                : HttpRejectReason.InvalidStatusLine;
        }

        var code = 0;
        for (var i = codeStart; i < codeEnd; i++)
        {
            if (!IsDigit(line[i]))
            {
                errorAt = i;
                return HttpRejectReason.InvalidStatusLine;
            }

            code = (code * 10) + (line[i] - '0');
        }

        if (code is < MinStatusCode or > MaxStatusCode)
        {
            errorAt = codeStart;
            return HttpRejectReason.InvalidStatusLine;
        }

        // RFC 9112 §4 requires the SP even before an empty reason, but many servers send "HTTP/1.1 200" bare, and
        // nothing after it can be misread, so that one leniency is kept.
        var reasonStart = codeEnd;
        if (line.Length > codeEnd)
        {
            if (line[codeEnd] != SP)
            {
                errorAt = codeEnd;
                return HttpRejectReason.InvalidStatusLine;
            }

            reasonStart = codeEnd + 1;
            var bad = line[reasonStart..].IndexOfAnyExcept(FieldValue);
            if (bad >= 0)
            {
                errorAt = reasonStart + bad;
                return HttpRejectReason.ControlCharacterInValue;
            }
        }

        head.StatusCode = code;
        head.ReasonPhrase = new HttpRange(reasonStart, line.Length - reasonStart);
        return HttpRejectReason.None;
    }
}
