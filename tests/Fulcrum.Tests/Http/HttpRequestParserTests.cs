using System.Buffers;
using Fulcrum.Appliance.Http;
using static Fulcrum.Tests.Http.HttpTestInput;

namespace Fulcrum.Tests.Http;

public sealed class HttpRequestParserTests
{
    private static readonly HttpParserLimits Limits = HttpParserLimits.Default;

    public static TheoryData<string, HttpMethodKind, string, HttpRequestTargetForm, HttpProtocolVersion, HttpBodyFraming, long> ValidRequests => new()
    {
        { "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", HttpMethodKind.Get, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "GET /a/b?c=d&e=%20 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.5\r\nAccept: */*\r\n\r\n", HttpMethodKind.Get, "/a/b?c=d&e=%20", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n", HttpMethodKind.Post, "/upload", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.ContentLength, 42 },
        { "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", HttpMethodKind.Post, "/upload", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.Chunked, -1 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\t\r\n\r\n", HttpMethodKind.Post, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.Chunked, -1 },
        { "POST / HTTP/1.1\r\nHost: a\r\nTRANSFER-ENCODING: Chunked\r\n\r\n", HttpMethodKind.Post, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.Chunked, -1 },
        { "PUT /x HTTP/1.1\r\nHost: a\r\ncontent-length:7\r\n\r\n", HttpMethodKind.Put, "/x", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.ContentLength, 7 },
        { "DELETE /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", HttpMethodKind.Delete, "/x", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.ContentLength, 0 },
        { "GET / HTTP/1.0\r\n\r\n", HttpMethodKind.Get, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http10, HttpBodyFraming.None, -1 },
        { "POST /form HTTP/1.0\r\nContent-Length: 3\r\n\r\n", HttpMethodKind.Post, "/form", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http10, HttpBodyFraming.ContentLength, 3 },
        { "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", HttpMethodKind.Options, "*", HttpRequestTargetForm.Asterisk, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", HttpMethodKind.Connect, "example.com:443", HttpRequestTargetForm.Authority, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n", HttpMethodKind.Connect, "[2001:db8::1]:443", HttpRequestTargetForm.Authority, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n", HttpMethodKind.Get, "http://example.com/x?y", HttpRequestTargetForm.Absolute, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "GET https://example.com:8443 HTTP/1.1\r\nHost: example.com:8443\r\n\r\n", HttpMethodKind.Get, "https://example.com:8443", HttpRequestTargetForm.Absolute, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", HttpMethodKind.Get, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "GET / HTTP/1.1\r\nHost:\r\n\r\n", HttpMethodKind.Get, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "PURGE /cache/x HTTP/1.1\r\nHost: a\r\n\r\n", HttpMethodKind.Other, "/cache/x", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "get / HTTP/1.1\r\nHost: a\r\n\r\n", HttpMethodKind.Other, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "HEAD / HTTP/1.1\r\nhost: a\r\nX-Empty:\r\nX-Obs-Text: caf\u00e9\r\nX-Spaces:  a  b  \r\n\r\n", HttpMethodKind.Head, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n", HttpMethodKind.Get, "/chat", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 10\r\n\r\n", HttpMethodKind.Post, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.ContentLength, 10 },
        { "PATCH /~user/a;b=c,d!$'()*+@: HTTP/1.1\r\nHost: xn--bcher-kva.example\r\n\r\n", HttpMethodKind.Patch, "/~user/a;b=c,d!$'()*+@:", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
        { "TRACE / HTTP/1.1\r\nHost: 192.0.2.1:80\r\nConnection: close\r\n\r\n", HttpMethodKind.Trace, "/", HttpRequestTargetForm.Origin, HttpProtocolVersion.Http11, HttpBodyFraming.None, -1 },
    };

    public static TheoryData<string> ValidRequestInputs
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in ValidRequests)
            {
                data.Add((string)row[0]);
            }

            return data;
        }
    }

    /// <summary>Each row: input, exact reason. The status code is asserted from the reason table in a separate theory.</summary>
    public static TheoryData<string, HttpRejectReason> MalformedRequests => new()
    {
        // Request smuggling: framing headers that two hops could read differently.
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRejectReason.ContentLengthWithTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n", HttpRejectReason.ContentLengthWithTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", HttpRejectReason.ChunkedNotFinal },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", HttpRejectReason.WhitespaceBeforeColon },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding\t: chunked\r\n\r\n", HttpRejectReason.WhitespaceBeforeColon },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", HttpRejectReason.DuplicateChunked },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRejectReason.DuplicateChunked },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", HttpRejectReason.ChunkedNotFinal },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", HttpRejectReason.ChunkedNotFinal },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", HttpRejectReason.ChunkedNotFinal },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HttpRejectReason.UnsupportedTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", HttpRejectReason.InvalidTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n", HttpRejectReason.InvalidTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", HttpRejectReason.InvalidTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", HttpRejectReason.InvalidTransferEncoding },
        { "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRejectReason.TransferEncodingInHttp10 },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", HttpRejectReason.DuplicateContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", HttpRejectReason.DuplicateContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", HttpRejectReason.DuplicateContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5a\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: 5\r\n\r\n", HttpRejectReason.InvalidConnectionHeader },
        { "POST / HTTP/1.1\r\nHost: a\r\nConnection: close, Transfer-Encoding\r\n\r\n", HttpRejectReason.InvalidConnectionHeader },
        { "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep alive\r\n\r\n", HttpRejectReason.InvalidConnectionHeader },

        // Line structure.
        { "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\r\n b\r\n\r\n", HttpRejectReason.ObsFold },
        { "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\r\n\tb\r\n\r\n", HttpRejectReason.ObsFold },
        { "GET / HTTP/1.1\r\n Host: a\r\n\r\n", HttpRejectReason.ObsFold },
        { "GET / HTTP/1.1\nHost: a\r\n\r\n", HttpRejectReason.BareLf },
        { "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", HttpRejectReason.BareLf },
        { "GET / HTTP/1.1\r\nHost: a\r\n\n", HttpRejectReason.BareLf },
        { "GET / HTTP/1.1\n\n", HttpRejectReason.BareLf },
        { "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", HttpRejectReason.BareCr },
        { "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.BareCr },
        { "GET / HTTP/1.1\r\nHost: a\r\n\rX", HttpRejectReason.BareCr },

        // Field names and values.
        { "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0000b\r\n\r\n", HttpRejectReason.ControlCharacterInValue },
        { "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0001\r\n\r\n", HttpRejectReason.ControlCharacterInValue },
        { "GET / HTTP/1.1\r\nHost: a\r\nX-A: \u007f\r\n\r\n", HttpRejectReason.ControlCharacterInValue },
        { "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u001bb\r\n\r\n", HttpRejectReason.ControlCharacterInValue },
        { "GET / HTTP/1.1\r\nHost: a\r\nFoo Bar: x\r\n\r\n", HttpRejectReason.InvalidHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\n@foo: x\r\n\r\n", HttpRejectReason.InvalidHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\nX-\u00e9: x\r\n\r\n", HttpRejectReason.InvalidHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\nX\"Y: x\r\n\r\n", HttpRejectReason.InvalidHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", HttpRejectReason.InvalidHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\nFoo\r\n\r\n", HttpRejectReason.MissingColon },

        // Underscore names that fold into a field the proxy interprets (CGI-style servers read '_' as '-').
        { "POST / HTTP/1.1\r\nHost: a\r\nTransfer_Encoding: chunked\r\n\r\n", HttpRejectReason.AmbiguousHeaderName },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent_Length: 5\r\n\r\n", HttpRejectReason.AmbiguousHeaderName },
        { "POST / HTTP/1.1\r\nHost: a\r\ncontent_length: 5\r\n\r\n", HttpRejectReason.AmbiguousHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 1.2.3.4\r\n\r\n", HttpRejectReason.AmbiguousHeaderName },
        { "GET / HTTP/1.1\r\nHost: a\r\nProxy_Connection: close\r\n\r\n", HttpRejectReason.AmbiguousHeaderName },

        // Content-Length with leading zeros: 7 to us, octal or an error to others.
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 05\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 00\r\n\r\n", HttpRejectReason.InvalidContentLength },
        { "PUT /x HTTP/1.1\r\nHost: a\r\ncontent-length:007\r\n\r\n", HttpRejectReason.InvalidContentLength },

        // Request line.
        { "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET /\tHTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { " GET / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET /\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET / http/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET / HTTP/1.1x\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET / HTTP/11\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestLine },
        { "GET / HTTP/2.0\r\nHost: a\r\n\r\n", HttpRejectReason.UnsupportedVersion },
        { "GET / HTTP/1.2\r\nHost: a\r\n\r\n", HttpRejectReason.UnsupportedVersion },
        { "GET / HTTP/0.9\r\nHost: a\r\n\r\n", HttpRejectReason.UnsupportedVersion },
        { "G(ET / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidMethod },
        { "G\u00e9T / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidMethod },
        { "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET * HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET http://user@example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", HttpRejectReason.InvalidRequestTarget },
        { "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n", HttpRejectReason.InvalidRequestTarget },

        // Host.
        { "GET / HTTP/1.1\r\n\r\n", HttpRejectReason.MissingHost },
        { "GET / HTTP/1.1\r\nX-Host: a\r\n\r\n", HttpRejectReason.MissingHost },
        { "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", HttpRejectReason.DuplicateHost },
        { "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", HttpRejectReason.DuplicateHost },
        { "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", HttpRejectReason.InvalidHost },
        { "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", HttpRejectReason.InvalidHost },
        { "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", HttpRejectReason.InvalidHost },
        { "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", HttpRejectReason.InvalidHost },
        { "GET / HTTP/1.1\r\nHost: a:\r\n\r\n", HttpRejectReason.InvalidHost },
        { "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", HttpRejectReason.InvalidHost },
        { "GET / HTTP/1.1\r\nHost: [zz::1]\r\n\r\n", HttpRejectReason.InvalidHost },

        // Expectations.
        { "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", HttpRejectReason.UnsupportedExpectation },
    };

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void Parse_ValidRequest_IsCompleteWithParsedParts(
        string input, HttpMethodKind method, string target, HttpRequestTargetForm form, HttpProtocolVersion version, HttpBodyFraming framing, long contentLength)
    {
        var bytes = Bytes(input + "BODY");
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(new ReadOnlySequence<byte>(bytes), head, Limits);

        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal(input.Length, result.Consumed);
        Assert.Equal(input, Text(head.Raw));
        Assert.Equal(method, head.Method);
        Assert.Equal(input[..input.IndexOf(' ')], Text(head[head.MethodRange]));
        Assert.Equal(target, Text(head[head.Target]));
        Assert.Equal(form, head.TargetForm);
        Assert.Equal(version, head.Version);
        Assert.Equal(framing, head.Framing);
        Assert.Equal(contentLength, head.ContentLength);
    }

    [Theory]
    [MemberData(nameof(ValidRequestInputs))]
    public void Parse_EveryTruncatedPrefix_IsIncompleteAndConsumesNothing(string input)
    {
        var bytes = Bytes(input);
        using var head = new HttpRequestHead();
        for (var length = 0; length < bytes.Length; length++)
        {
            var result = HttpRequestParser.Parse(bytes.AsSpan(0, length), head, Limits);

            Assert.True(result.IsIncomplete, $"prefix of {length} bytes gave {result}");
            Assert.Equal(0, result.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(ValidRequestInputs))]
    public void Parse_SplitIntoSegments_SameResultAsContiguous(string input)
    {
        var bytes = Bytes(input);
        using var contiguous = new HttpRequestHead();
        using var split = new HttpRequestHead();
        var expected = HttpRequestParser.Parse(bytes.AsSpan(), contiguous, Limits);

        foreach (var sequence in new[] { ByteSegments(bytes), Segments(bytes, bytes.Length / 2), Segments(bytes, 3, bytes.Length - 2) })
        {
            var result = HttpRequestParser.Parse(sequence, split, Limits);

            Assert.Equal(expected, result);
            Assert.Equal(input, Text(split.Raw));
            Assert.Equal(contiguous.Headers.ToArray(), split.Headers.ToArray());
            Assert.Equal(contiguous.Target, split.Target);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void Parse_MalformedRequest_IsRefusedWithExactReason(string input, HttpRejectReason reason)
    {
        var bytes = Bytes(input);
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(bytes.AsSpan(), head, Limits);
        var split = HttpRequestParser.Parse(ByteSegments(bytes), head, Limits);

        Assert.Equal(HttpParseStatus.Error, result.Status);
        Assert.Equal(reason, result.Reason);
        Assert.InRange(result.ErrorOffset, 0, bytes.Length);
        Assert.Equal(result, split);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0000b\r\n\r\n", 31)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 23)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n", 42)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n@foo: x\r\n\r\n", 25)]
    [InlineData("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 4)]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 6)]
    [InlineData("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", 6)]
    [InlineData("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 22)]
    public void Parse_Refused_ReportsOffsetOfOffendingByte(string input, int offset)
    {
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes(input).AsSpan(), head, Limits);

        Assert.True(result.IsError);
        Assert.Equal(offset, result.ErrorOffset);
    }

    [Theory]
    [InlineData("GET / HTTP/2.0\r\n\r\n", 505)]
    [InlineData("GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", 414)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n", 431)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417)]
    public void Parse_Refused_MapsToStatusCode(string input, int statusCode)
    {
        using var head = new HttpRequestHead();
        var limits = new HttpParserLimits(MaxStartLineBytes: 32, MaxHeaderBytes: 64, MaxHeaderCount: 4);

        var result = HttpRequestParser.Parse(Bytes(input).AsSpan(), head, limits);

        Assert.True(result.IsError);
        Assert.Equal(statusCode, HttpRejectReasons.StatusCode(result.Reason));
    }

    [Fact]
    public void Parse_RequestLineAtLimit_IsAccepted()
    {
        var line = "GET /" + new string('a', 11) + " HTTP/1.1";
        var limits = new HttpParserLimits(MaxStartLineBytes: line.Length, MaxHeaderBytes: 64, MaxHeaderCount: 4);
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes(line + "\r\nHost: a\r\n\r\n").AsSpan(), head, limits);

        Assert.True(result.IsComplete);
    }

    [Theory]
    [InlineData("GET /aaaaaaaaaaaa HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET /aaaaaaaaaaaa HTTP/1.1")]
    [InlineData("GET /aaaaaaaaaaaaaaaaaaaa")]
    public void Parse_RequestLineOverLimit_Is414EvenWhileIncomplete(string input)
    {
        var limits = new HttpParserLimits(MaxStartLineBytes: 16, MaxHeaderBytes: 64, MaxHeaderCount: 4);
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes(input).AsSpan(), head, limits);

        Assert.Equal(HttpRejectReason.RequestLineTooLong, result.Reason);
        Assert.Equal(414, HttpRejectReasons.StatusCode(result.Reason));
    }

    [Fact]
    public void Parse_RequestLineUnderLimitWithoutCrlf_IsIncomplete()
    {
        var limits = new HttpParserLimits(MaxStartLineBytes: 16, MaxHeaderBytes: 64, MaxHeaderCount: 4);
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes("GET /aaaaaaaaaaa").AsSpan(), head, limits);

        Assert.True(result.IsIncomplete);
    }

    [Fact]
    public void Parse_HeaderBlockExactlyAtLimit_IsAccepted()
    {
        const string fields = "Host: a\r\nX: bb\r\n\r\n";
        var limits = new HttpParserLimits(MaxStartLineBytes: 64, MaxHeaderBytes: fields.Length, MaxHeaderCount: 4);
        using var head = new HttpRequestHead();

        var atLimit = HttpRequestParser.Parse(Bytes("GET / HTTP/1.1\r\n" + fields).AsSpan(), head, limits);
        var overLimit = HttpRequestParser.Parse(Bytes("GET / HTTP/1.1\r\nHost: a\r\nX: bbb\r\n\r\n").AsSpan(), head, limits);

        Assert.True(atLimit.IsComplete);
        Assert.Equal(HttpRejectReason.HeadersTooLarge, overLimit.Reason);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF")]
    public void Parse_HeaderBlockOverLimit_Is431EvenWhileIncomplete(string input)
    {
        var limits = new HttpParserLimits(MaxStartLineBytes: 64, MaxHeaderBytes: 32, MaxHeaderCount: 100);
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes(input).AsSpan(), head, limits);

        Assert.Equal(HttpRejectReason.HeadersTooLarge, result.Reason);
        Assert.Equal(431, HttpRejectReasons.StatusCode(result.Reason));
    }

    [Fact]
    public void Parse_HeaderCountAtAndOverLimit_AcceptsThenRefuses()
    {
        var limits = new HttpParserLimits(MaxStartLineBytes: 64, MaxHeaderBytes: 1024, MaxHeaderCount: 3);
        using var head = new HttpRequestHead();

        var atLimit = HttpRequestParser.Parse(Bytes("GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\n\r\n").AsSpan(), head, limits);
        var overLimit = HttpRequestParser.Parse(Bytes("GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n").AsSpan(), head, limits);

        Assert.True(atLimit.IsComplete);
        Assert.Equal(HttpRejectReason.TooManyHeaders, overLimit.Reason);
    }

    [Fact]
    public void Parse_Fields_ExposeNameValueLineAndKnownKind()
    {
        const string input = "GET / HTTP/1.1\r\nHOST:  example.com \r\nX-Custom:\tv1 v2\t\r\ncontent-length: 0\r\n\r\n";
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes(input).AsSpan(), head, Limits);

        Assert.Equal(3, head.HeaderCount);
        var fields = head.Headers.ToArray();
        Assert.Equal([HttpKnownHeader.Host, HttpKnownHeader.Unknown, HttpKnownHeader.ContentLength], fields.Select(f => f.Known));
        Assert.Equal(["HOST", "X-Custom", "content-length"], fields.Select(f => Text(head.GetName(f))));
        Assert.Equal(["example.com", "v1 v2", "0"], fields.Select(f => Text(head.GetValue(f))));
        Assert.Equal("X-Custom:\tv1 v2\t\r\n", Text(head[fields[1].Line]));
        Assert.Equal("example.com", Text(head[head.Host]));
        Assert.True(head.TryGetValue("x-custom"u8, out var custom));
        Assert.Equal("v1 v2", Text(custom));
        Assert.False(head.TryGetValue(HttpKnownHeader.Upgrade, out _));
    }

    [Fact]
    public void Parse_ConnectionTokens_SetFlagsAndListOthersToStrip()
    {
        const string input = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close, X-Foo,, Upgrade\r\nConnection: x-bar\r\nUpgrade: websocket\r\n\r\n";
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes(input).AsSpan(), head, Limits);

        Assert.Equal(HttpConnectionOptions.Close | HttpConnectionOptions.Upgrade, head.ConnectionOptions);
        Assert.Equal(["X-Foo", "x-bar"], head.ConnectionTokens.ToArray().Select(t => Text(head[t])));
        Assert.True(head.HasUpgrade);
        Assert.Equal("websocket", Text(head[head.Upgrade]));
        Assert.False(head.KeepAlive);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false)]
    public void Parse_ConnectionPersistence_FollowsVersionAndTokens(string input, bool keepAlive)
    {
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes(input).AsSpan(), head, Limits);

        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void Parse_ExpectContinue_IsFlagged()
    {
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").AsSpan(), head, Limits);

        Assert.True(head.ExpectContinue);
    }

    [Fact]
    public void Parse_AbsoluteForm_ExposesTargetAuthority()
    {
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes("GET http://example.com:8080/x HTTP/1.1\r\nHost: example.com:8080\r\n\r\n").AsSpan(), head, Limits);

        Assert.Equal("example.com:8080", Text(head[head.TargetAuthority]));
    }

    [Fact]
    public void Parse_AbsoluteFormWithOtherHost_AuthorityIsTheHost()
    {
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes("GET http://good.example/x HTTP/1.1\r\nHost: evil.example\r\n\r\n").AsSpan(), head, Limits);

        Assert.True(result.IsComplete);
        Assert.True(head.HostFromTarget);
        Assert.Equal("good.example", Text(head[head.Host]));
    }

    [Fact]
    public void Parse_OriginForm_HostIsTheHostField()
    {
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes("GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n").AsSpan(), head, Limits);

        Assert.False(head.HostFromTarget);
        Assert.Equal("a.example", Text(head[head.Host]));
    }

    [Theory]
    [InlineData("Upgrade: h2c")]
    [InlineData("Upgrade: websocket, H2C")]
    [InlineData("Upgrade: h2c/1")]
    [InlineData("Upgrade: websocket\r\nUpgrade: h2c")]
    public void Parse_UpgradeOfferingH2c_IsNotAnUpgrade(string upgrade)
    {
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes($"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n{upgrade}\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").AsSpan(), head, Limits);

        Assert.True(result.IsComplete);
        Assert.True(head.UpgradeOffersH2c);
        Assert.Equal(HttpConnectionOptions.None, head.ConnectionOptions & HttpConnectionOptions.Upgrade);
        Assert.Contains(head.Headers.ToArray(), f => f.Known == HttpKnownHeader.Http2Settings);
    }

    [Fact]
    public void Parse_WebSocketUpgrade_StaysAnUpgrade()
    {
        using var head = new HttpRequestHead();

        HttpRequestParser.Parse(Bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").AsSpan(), head, Limits);

        Assert.False(head.UpgradeOffersH2c);
        Assert.Equal(HttpConnectionOptions.Upgrade, head.ConnectionOptions & HttpConnectionOptions.Upgrade);
    }

    [Theory]
    [InlineData("X_Custom_Id: 1")]
    [InlineData("Content_Lengths: 1")]
    [InlineData("My_Host: x")]
    public void Parse_UnderscoreNameThatFoldsToNothingKnown_IsAccepted(string field)
    {
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes($"GET / HTTP/1.1\r\nHost: a\r\n{field}\r\n\r\n").AsSpan(), head, Limits);

        Assert.True(result.IsComplete);
    }

    [Fact]
    public void Parse_ReusedHead_KeepsNothingFromThePreviousRequest()
    {
        using var head = new HttpRequestHead();
        HttpRequestParser.Parse(Bytes("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close, x\r\nExpect: 100-continue\r\n\r\n").AsSpan(), head, Limits);

        var result = HttpRequestParser.Parse(Bytes("GET /b HTTP/1.1\r\nHost: b\r\n\r\n").AsSpan(), head, Limits);

        Assert.True(result.IsComplete);
        Assert.Equal(HttpBodyFraming.None, head.Framing);
        Assert.Equal(-1, head.ContentLength);
        Assert.Equal(HttpConnectionOptions.None, head.ConnectionOptions);
        Assert.True(head.ConnectionTokens.IsEmpty);
        Assert.False(head.ExpectContinue);
        Assert.Equal(1, head.HeaderCount);
        Assert.Equal("b", Text(head[head.Host]));
    }

    [Fact]
    public void Parse_SequenceReader_AdvancesOnlyOnComplete()
    {
        var bytes = Bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT");
        using var head = new HttpRequestHead();

        var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, 10));
        var incomplete = HttpRequestParser.Parse(ref partial, head, Limits);
        var whole = new SequenceReader<byte>(Segments(bytes, 5, 20));
        var complete = HttpRequestParser.Parse(ref whole, head, Limits);

        Assert.True(incomplete.IsIncomplete);
        Assert.Equal(0, partial.Consumed);
        Assert.True(complete.IsComplete);
        Assert.Equal(bytes.Length - 4, whole.Consumed);
    }

    [Fact]
    public void Parse_ManyHeaders_GrowsStorageBeyondInitialCapacity()
    {
        var input = "GET / HTTP/1.1\r\nHost: a\r\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"X-{i}: {i}\r\n")) + "\r\n";
        using var head = new HttpRequestHead();

        var result = HttpRequestParser.Parse(Bytes(input).AsSpan(), head, Limits);

        Assert.True(result.IsComplete);
        Assert.Equal(61, head.HeaderCount);
        Assert.Equal("59", Text(head.GetValue(head.Headers[60])));
    }

    [Fact]
    public void Parse_EveryByteValueInEveryPosition_NeverThrows()
    {
        var template = Bytes("POST /p?q HTTP/1.1\r\nHost: a:1\r\nTransfer-Encoding: chunked\r\nX: y\r\n\r\n");
        using var head = new HttpRequestHead();
        for (var position = 0; position < template.Length; position++)
        {
            for (var value = 0; value < 256; value++)
            {
                var mutated = (byte[])template.Clone();
                mutated[position] = (byte)value;

                var result = HttpRequestParser.Parse(mutated.AsSpan(), head, Limits);

                Assert.True(result.IsError || result.Consumed <= mutated.Length);
            }
        }
    }
}
