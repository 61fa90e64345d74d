using System.Buffers;
using static Fulcrum.Appliance.Http.HttpCharacters;

namespace Fulcrum.Appliance.Http;

/// <summary>
/// Strict HTTP/1.1 request-head parser (RFC 9112 §2-§6). It never throws and never makes a string: the outcome is a
/// <see cref="HttpParseResult"/> and the parsed head is offsets into the caller's reusable <see cref="HttpRequestHead"/>.
/// Each call parses from the start of the buffer again; heads are bounded by the limits and the scan is vectorised, so
/// keeping no state between calls costs little and leaves nothing half-parsed to get wrong.
/// </summary>
public static class HttpRequestParser
{
    private const int VersionLength = 8;

    /// <summary>Parses a head at the start of <paramref name="input"/>. On Complete, Consumed is the head length.</summary>
    public static HttpParseResult Parse(in ReadOnlySequence<byte> input, HttpRequestHead head, in HttpParserLimits limits)
    {
        head.Reset();
        if (input.IsSingleSegment)
        {
            return ParseAndCommit(input.FirstSpan, head, limits, inScratch: false);
        }

        // A head split over segments is copied once into the head's own buffer; it is small and bounded by the limits,
        // and one contiguous span keeps the parser free of segment-boundary cases.
        var size = (int)Math.Min(input.Length, limits.MaxHeadBytes + 1L);
        var scratch = head.GetScratch(size);
        input.Slice(0, size).CopyTo(scratch);
        return ParseAndCommit(scratch, head, limits, inScratch: true);
    }

    /// <summary>Same, advancing <paramref name="reader"/> past the head on Complete and not at all otherwise.</summary>
    public static HttpParseResult Parse(ref SequenceReader<byte> reader, HttpRequestHead head, in HttpParserLimits limits)
    {
        var result = Parse(reader.UnreadSequence, head, limits);
        if (result.IsComplete)
        {
            reader.Advance(result.Consumed);
        }

        return result;
    }

    /// <summary>Same, over one contiguous span.</summary>
    public static HttpParseResult Parse(ReadOnlySpan<byte> input, HttpRequestHead head, in HttpParserLimits limits)
    {
        head.Reset();
        return ParseAndCommit(input, head, limits, inScratch: false);
    }

    private static HttpParseResult ParseAndCommit(
        ReadOnlySpan<byte> input, HttpRequestHead head, in HttpParserLimits limits, bool inScratch)
    {
        var result = ParseCore(input, head, limits);
        if (result.IsComplete)
        {
            head.Commit(input[..(int)result.Consumed], inScratch);
        }

        return result;
    }

    private static HttpParseResult ParseCore(ReadOnlySpan<byte> input, HttpRequestHead head, in HttpParserLimits limits)
    {
        var startLine = HttpHeaderBlockParser.FindStartLineEnd(input, limits.MaxStartLineBytes, HttpRejectReason.RequestLineTooLong, out var end);
        if (!startLine.IsComplete)
        {
            return startLine;
        }

        var lineError = ParseRequestLine(input[..end], head, out var errorAt);
        if (lineError != HttpRejectReason.None)
        {
            return HttpParseResult.Error(lineError, errorAt);
        }

        var fields = HttpHeaderBlockParser.Parse(input, end + 2, head, head, limits);
        if (!fields.IsComplete)
        {
            return fields;
        }

        var finish = Finish(head, (int)fields.Consumed, out errorAt);
        return finish == HttpRejectReason.None ? fields : HttpParseResult.Error(finish, errorAt);
    }

    private static HttpRejectReason ParseRequestLine(ReadOnlySpan<byte> line, HttpRequestHead head, out int errorAt)
    {
        errorAt = 0;
        var methodEnd = line.IndexOf(SP);
        if (methodEnd <= 0)
        {
            // No space at all ("GET" alone, an empty line, TLS sent to a plain port), or an empty method before a space.
            errorAt = Math.Max(methodEnd, 0);
            return HttpRejectReason.InvalidRequestLine;
        }

        var method = line[..methodEnd];
        var badMethod = method.IndexOfAnyExcept(Token);
        if (badMethod >= 0)
        {
            // A tab is a separator some servers accept (RFC 9112 §3 allows only SP); say so rather than "bad method".
            errorAt = badMethod;
            return method[badMethod] == HTAB ? HttpRejectReason.InvalidRequestLine : HttpRejectReason.InvalidMethod;
        }

        var targetStart = methodEnd + 1;
        var targetLength = line[targetStart..].IndexOf(SP);
        if (targetLength <= 0)
        {
            // Either HTTP/0.9 ("GET /", no version) or two spaces in a row.
            errorAt = targetLength < 0 ? line.Length : targetStart;
            return HttpRejectReason.InvalidRequestLine;
        }

        var versionStart = targetStart + targetLength + 1;
        var version = line[versionStart..];
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
            errorAt = versionStart;
            return IsWellFormedVersion(version) ? HttpRejectReason.UnsupportedVersion : HttpRejectReason.InvalidRequestLine;
        }

        head.MethodRange = new HttpRange(0, methodEnd);
        head.Method = IdentifyMethod(method);
        head.Target = new HttpRange(targetStart, targetLength);
        var targetError = ParseTarget(line.Slice(targetStart, targetLength), targetStart, head, out var targetErrorAt);
        errorAt = targetStart + targetErrorAt;
        return targetError;
    }

    /// <summary><c>HTTP/x.y</c> with digits: a version we could name but do not speak (505), rather than garbage (400).</summary>
    internal static bool IsWellFormedVersion(ReadOnlySpan<byte> version) =>
        version.Length == VersionLength
        && version.StartsWith("HTTP/"u8)
        && IsDigit(version[5])
        && version[6] == Dot
        && IsDigit(version[7]);

    private static HttpRejectReason ParseTarget(ReadOnlySpan<byte> target, int targetStart, HttpRequestHead head, out int errorAt)
    {
        errorAt = target.IndexOfAnyExcept(RequestTarget);
        if (errorAt >= 0)
        {
            return HttpRejectReason.InvalidRequestTarget;
        }

        // A malformed escape is decoded differently by different backends (or not at all), so it never reaches one.
        for (var i = target.IndexOf(Percent); i >= 0; i = NextPercent(target, i + 3))
        {
            if (i + 2 >= target.Length || HexValue(target[i + 1]) < 0 || HexValue(target[i + 2]) < 0)
            {
                errorAt = i;
                return HttpRejectReason.InvalidRequestTarget;
            }
        }

        errorAt = 0;
        if (head.Method == HttpMethodKind.Connect)
        {
            head.TargetForm = HttpRequestTargetForm.Authority;
            head.TargetAuthority = new HttpRange(targetStart, target.Length);
            return HttpHostSyntax.IsValid(target, requirePort: true) ? HttpRejectReason.None : HttpRejectReason.InvalidRequestTarget;
        }

        if (target[0] == Slash)
        {
            head.TargetForm = HttpRequestTargetForm.Origin;
            return HttpRejectReason.None;
        }

        if (target.Length == 1 && target[0] == Asterisk)
        {
            head.TargetForm = HttpRequestTargetForm.Asterisk;
            return head.Method == HttpMethodKind.Options ? HttpRejectReason.None : HttpRejectReason.InvalidRequestTarget;
        }

        return ParseAbsoluteForm(target, targetStart, head, out errorAt);
    }

    private static int NextPercent(ReadOnlySpan<byte> target, int from)
    {
        if (from >= target.Length)
        {
            return -1;
        }

        var next = target[from..].IndexOf(Percent);
        return next < 0 ? -1 : from + next;
    }

    /// <summary><c>scheme "://" authority [ path-abempty ] [ "?" query ]</c>; userinfo is refused with the authority.</summary>
    private static HttpRejectReason ParseAbsoluteForm(ReadOnlySpan<byte> target, int targetStart, HttpRequestHead head, out int errorAt)
    {
        errorAt = 0;
        var schemeEnd = target.IndexOf("://"u8);
        if (schemeEnd <= 0 || !IsAlpha(target[0]) || target[1..schemeEnd].ContainsAnyExcept(Scheme))
        {
            return HttpRejectReason.InvalidRequestTarget;
        }

        var authorityStart = schemeEnd + 3;
        var afterScheme = target[authorityStart..];
        var authorityLength = afterScheme.IndexOfAny(Slash, QuestionMark);
        var authority = authorityLength < 0 ? afterScheme : afterScheme[..authorityLength];
        if (!HttpHostSyntax.IsValid(authority, requirePort: false))
        {
            errorAt = authorityStart;
            return HttpRejectReason.InvalidRequestTarget;
        }

        head.TargetForm = HttpRequestTargetForm.Absolute;
        head.TargetAuthority = new HttpRange(targetStart + authorityStart, authority.Length);
        return HttpRejectReason.None;
    }

    private static HttpRejectReason Finish(HttpRequestHead head, int headLength, out int errorAt)
    {
        errorAt = headLength;

        // RFC 9112 §3.2: an HTTP/1.1 request without Host is refused; HTTP/1.0 predates Host and may omit it.
        if (head.HostCount == 0 && head.Version == HttpProtocolVersion.Http11)
        {
            return HttpRejectReason.MissingHost;
        }

        // RFC 9112 §3.2.2: with an absolute-form target the authority is the host; a different Host field is ignored
        // (and replaced when forwarding), so the member and our routing never read two different hosts.
        if (head.TargetForm == HttpRequestTargetForm.Absolute)
        {
            head.Host = head.TargetAuthority;
            head.HostFromTarget = true;
        }

        // h2c (RFC 7540 §3.2): a 101 would turn the connection into HTTP/2 spoken straight to the member, past every L7
        // rule. The request is forwarded as a plain request: without the upgrade (Upgrade and HTTP2-Settings dropped).
        if (head.UpgradeOffersH2c)
        {
            head.ConnectionOptions &= ~HttpConnectionOptions.Upgrade;
        }

        var te = HttpHeaderBlockParser.FinishTransferEncoding(head, isRequest: true, out var teErrorAt);
        if (te != HttpRejectReason.None)
        {
            errorAt = teErrorAt;
            return te;
        }

        head.Framing = head.HasTransferEncoding ? HttpBodyFraming.Chunked
            : head.ContentLength >= 0 ? HttpBodyFraming.ContentLength
            : HttpBodyFraming.None;
        return HttpRejectReason.None;
    }

    private static HttpMethodKind IdentifyMethod(ReadOnlySpan<byte> method) => method.Length switch
    {
        3 when method.SequenceEqual("GET"u8) => HttpMethodKind.Get,
        3 when method.SequenceEqual("PUT"u8) => HttpMethodKind.Put,
        4 when method.SequenceEqual("HEAD"u8) => HttpMethodKind.Head,
        4 when method.SequenceEqual("POST"u8) => HttpMethodKind.Post,
        5 when method.SequenceEqual("PATCH"u8) => HttpMethodKind.Patch,
        5 when method.SequenceEqual("TRACE"u8) => HttpMethodKind.Trace,
        6 when method.SequenceEqual("DELETE"u8) => HttpMethodKind.Delete,
        7 when method.SequenceEqual("CONNECT"u8) => HttpMethodKind.Connect,
        7 when method.SequenceEqual("OPTIONS"u8) => HttpMethodKind.Options,
        _ => HttpMethodKind.Other,
    };
}
