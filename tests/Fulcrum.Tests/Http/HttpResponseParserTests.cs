using System.Buffers;
using Fulcrum.Appliance.Http;
using static Fulcrum.Tests.Http.HttpTestInput;

namespace Fulcrum.Tests.Http;

public sealed class HttpResponseParserTests
{
    private static readonly HttpParserLimits Limits = HttpParserLimits.Default;

    public static TheoryData<string, int, string, HttpProtocolVersion> ValidResponses => new()
    {
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 200, "OK", HttpProtocolVersion.Http11 },
        { "HTTP/1.1 204 No Content\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n", 204, "No Content", HttpProtocolVersion.Http11 },
        { "HTTP/1.1 404 \r\n\r\n", 404, "", HttpProtocolVersion.Http11 },
        { "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, "", HttpProtocolVersion.Http11 },
        { "HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n", 302, "Found", HttpProtocolVersion.Http10 },
        { "HTTP/1.1 500 Internal\tServer Error \u00e9\r\nTransfer-Encoding: chunked\r\n\r\n", 500, "Internal\tServer Error \u00e9", HttpProtocolVersion.Http11 },
        { "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 101, "Switching Protocols", HttpProtocolVersion.Http11 },
        { "HTTP/1.1 100 Continue\r\n\r\n", 100, "Continue", HttpProtocolVersion.Http11 },
        { "HTTP/1.1 599 x\r\nSet-Cookie: a=b\r\nSet-Cookie: c=d\r\n\r\n", 599, "x", HttpProtocolVersion.Http11 },
    };

    public static TheoryData<string> ValidResponseInputs
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in ValidResponses)
            {
                data.Add((string)row[0]);
            }

            return data;
        }
    }

    public static TheoryData<string, HttpRejectReason> MalformedResponses => new()
    {
        { "HTTP/1.1 20 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1 2000 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1 099 Low\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1 600 High\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1 2x0 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1  200 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1\t200 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "http/1.1 200 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/1.1\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "ICY 200 OK\r\n\r\n", HttpRejectReason.InvalidStatusLine },
        { "HTTP/2.0 200 OK\r\n\r\n", HttpRejectReason.UnsupportedVersion },
        { "HTTP/1.1 200 O\u0001K\r\n\r\n", HttpRejectReason.ControlCharacterInValue },
        { "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", HttpRejectReason.BareLf },
        { "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n", HttpRejectReason.BareCr },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRejectReason.ContentLengthWithTransferEncoding },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", HttpRejectReason.DuplicateContentLength },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\n", HttpRejectReason.DuplicateContentLength },
        { "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", HttpRejectReason.DuplicateChunked },
        { "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRejectReason.TransferEncodingInHttp10 },
        { "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n", HttpRejectReason.ObsFold },
        { "HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", HttpRejectReason.WhitespaceBeforeColon },
        { "HTTP/1.1 200 OK\r\nX-A: \u0000\r\n\r\n", HttpRejectReason.ControlCharacterInValue },
        { "HTTP/1.1 200 OK\r\nConnection: content-length\r\n\r\n", HttpRejectReason.InvalidConnectionHeader },
    };

    /// <summary>Request method, status, framing fields, expected framing (RFC 9112 §6.3, as seen through the parser).</summary>
    public static TheoryData<HttpMethodKind, string, HttpBodyFraming> FramingCases => new()
    {
        { HttpMethodKind.Get, "200 OK\r\nContent-Length: 5", HttpBodyFraming.ContentLength },
        { HttpMethodKind.Get, "200 OK\r\nContent-Length: 0", HttpBodyFraming.ContentLength },
        { HttpMethodKind.Get, "200 OK\r\nTransfer-Encoding: chunked", HttpBodyFraming.Chunked },
        { HttpMethodKind.Get, "200 OK\r\nTransfer-Encoding: gzip, chunked", HttpBodyFraming.Chunked },
        { HttpMethodKind.Get, "200 OK\r\nTransfer-Encoding: gzip", HttpBodyFraming.UntilClose },
        { HttpMethodKind.Get, "200 OK\r\nX-Other: 1", HttpBodyFraming.UntilClose },
        { HttpMethodKind.Head, "200 OK\r\nContent-Length: 5", HttpBodyFraming.None },
        { HttpMethodKind.Head, "200 OK\r\nTransfer-Encoding: chunked", HttpBodyFraming.None },
        { HttpMethodKind.Get, "204 No Content\r\nContent-Length: 5", HttpBodyFraming.None },
        { HttpMethodKind.Get, "304 Not Modified\r\nContent-Length: 5", HttpBodyFraming.None },
        { HttpMethodKind.Post, "100 Continue\r\nX-A: b", HttpBodyFraming.None },
        { HttpMethodKind.Get, "103 Early Hints\r\nLink: </a>", HttpBodyFraming.None },
        { HttpMethodKind.Get, "101 Switching Protocols\r\nUpgrade: websocket", HttpBodyFraming.Tunnel },
        { HttpMethodKind.Connect, "200 Connection Established\r\nX-A: b", HttpBodyFraming.Tunnel },
        { HttpMethodKind.Connect, "200 OK\r\nContent-Length: 5", HttpBodyFraming.Tunnel },
        { HttpMethodKind.Connect, "407 Proxy Auth\r\nContent-Length: 5", HttpBodyFraming.ContentLength },
        { HttpMethodKind.Post, "201 Created\r\nContent-Length: 0", HttpBodyFraming.ContentLength },
        { HttpMethodKind.Get, "404 Not Found\r\nTransfer-Encoding: chunked", HttpBodyFraming.Chunked },
    };

    [Theory]
    [MemberData(nameof(ValidResponses))]
    public void Parse_ValidResponse_IsCompleteWithStatus(string input, int statusCode, string reasonPhrase, HttpProtocolVersion version)
    {
        using var head = new HttpResponseHead();

        var result = HttpResponseParser.Parse(new ReadOnlySequence<byte>(Bytes(input + "body")), head, HttpMethodKind.Get, Limits);

        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal(input.Length, result.Consumed);
        Assert.Equal(input, Text(head.Raw));
        Assert.Equal(statusCode, head.StatusCode);
        Assert.Equal(reasonPhrase, Text(head[head.ReasonPhrase]));
        Assert.Equal(version, head.Version);
    }

    [Theory]
    [MemberData(nameof(ValidResponseInputs))]
    public void Parse_EveryTruncatedPrefix_IsIncomplete(string input)
    {
        var bytes = Bytes(input);
        using var head = new HttpResponseHead();
        for (var length = 0; length < bytes.Length; length++)
        {
            var result = HttpResponseParser.Parse(bytes.AsSpan(0, length), head, HttpMethodKind.Get, Limits);

            Assert.True(result.IsIncomplete, $"prefix of {length} bytes gave {result}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidResponseInputs))]
    public void Parse_SplitIntoSegments_SameResultAsContiguous(string input)
    {
        var bytes = Bytes(input);
        using var contiguous = new HttpResponseHead();
        using var split = new HttpResponseHead();

        var expected = HttpResponseParser.Parse(bytes.AsSpan(), contiguous, HttpMethodKind.Get, Limits);
        var result = HttpResponseParser.Parse(ByteSegments(bytes), split, HttpMethodKind.Get, Limits);

        Assert.Equal(expected, result);
        Assert.Equal(input, Text(split.Raw));
        Assert.Equal(contiguous.Headers.ToArray(), split.Headers.ToArray());
    }

    [Theory]
    [MemberData(nameof(MalformedResponses))]
    public void Parse_MalformedResponse_IsRefusedWithExactReason(string input, HttpRejectReason reason)
    {
        using var head = new HttpResponseHead();

        var result = HttpResponseParser.Parse(Bytes(input).AsSpan(), head, HttpMethodKind.Get, Limits);

        Assert.Equal(HttpParseStatus.Error, result.Status);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    [MemberData(nameof(FramingCases))]
    public void Parse_Framing_FollowsRfc9112Section6_3(HttpMethodKind requestMethod, string statusAndFields, HttpBodyFraming framing)
    {
        using var head = new HttpResponseHead();

        var result = HttpResponseParser.Parse(Bytes($"HTTP/1.1 {statusAndFields}\r\n\r\n").AsSpan(), head, requestMethod, Limits);

        Assert.True(result.IsComplete, result.ToString());
        Assert.Equal(framing, head.Framing);
    }

    [Fact]
    public void Parse_StatusLineOverLimit_IsRefusedWhileIncomplete()
    {
        var limits = new HttpParserLimits(MaxStartLineBytes: 16, MaxHeaderBytes: 64, MaxHeaderCount: 4);
        using var head = new HttpResponseHead();

        var result = HttpResponseParser.Parse(Bytes("HTTP/1.1 200 A very long reason").AsSpan(), head, HttpMethodKind.Get, limits);

        Assert.Equal(HttpRejectReason.StatusLineTooLong, result.Reason);
        Assert.Equal(HttpRejectReasons.ResponseRejectedStatusCode, HttpRejectReasons.StatusCode(result.Reason));
    }

    [Fact]
    public void Parse_InterimResponse_IsFlagged()
    {
        using var head = new HttpResponseHead();

        HttpResponseParser.Parse(Bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n").AsSpan(), head, HttpMethodKind.Post, Limits);

        Assert.True(head.IsInterim);
        Assert.Equal(25, head.Length);
    }
}
