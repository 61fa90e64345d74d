using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>
/// Request smuggling and ambiguity, by raw socket through the real proxy to a backend that records every request it
/// sees. Each case is either refused (the exact status, then the connection closes, and the backend saw nothing it
/// could read as a request) or forwarded as exactly one unambiguous request.
/// </summary>
public sealed class SmugglingTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public SmugglingTests(ApplianceFixture f)
    {
        _f = f;
    }

    /// <summary>
    /// Waits until the client's connection has ended at the backend too: every server connection the proxy opened
    /// for it is closed and read to its end, so the backend's record is all the proxy ever forwarded. (The
    /// backend records a request before answering it, so the client's answer means it is already recorded.)
    /// </summary>
    private static Task AllForwarded(RecordingHttpBackend be) => be.ConnectionsEndedAsync(TimeSpan.FromSeconds(5));

    public static TheoryData<string, string, int> Refused => new()
    {
        { "cl-and-te", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        { "te-and-cl", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400 },
        { "te-and-cl-zero", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        { "two-cl-different", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400 },
        { "two-cl-equal", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400 },
        { "cl-list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", 400 },
        { "cl-plus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400 },
        { "cl-negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400 },
        { "cl-hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", 400 },
        { "cl-overflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400 },
        { "te-xchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400 },
        { "te-chunked-not-final", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400 },
        { "te-gzip-chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501 },
        { "te-chunked-twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        { "te-empty-element", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n", 400 },
        { "te-in-http10", "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        { "space-before-colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400 },
        { "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n", 400 },
        { "bare-lf", "GET / HTTP/1.1\nHost: a\n\n", 400 },
        { "bare-cr", "GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n", 400 },
        { "missing-host", "GET / HTTP/1.1\r\n\r\n", 400 },
        { "two-hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
        { "bad-host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400 },
        { "nul-in-value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400 },
        { "space-in-name", "GET / HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n", 400 },
        { "double-space-request-line", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "trailing-space-request-line", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400 },
        { "lowercase-version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
        { "http2-version", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
        { "crlf-before-request", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "fragment-in-target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "userinfo-in-absolute-form", "GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "connection-names-content-length", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Content-Length\r\n\r\n", 400 },
        { "unknown-expectation", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417 },
        { "uri-too-long", "GET /" + new string('a', 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414 },
        { "too-many-headers", "GET / HTTP/1.1\r\nHost: a\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: v\r\n")) + "\r\n", 431 },
        { "headers-too-large", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('b', 33000) + "\r\n\r\n", 431 },
        { "chunk-size-not-hex", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n", 400 },
        { "chunk-size-overflow", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n", 400 },
        { "chunk-data-without-crlf", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400 },
        { "chunk-size-bare-lf", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400 },
        { "chunk-size-with-space", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400 },
        { "underscore-transfer-encoding", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer_Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        { "underscore-content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent_Length: 5\r\n\r\nhello", 400 },
        { "underscore-x-forwarded-for", "GET / HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 10.0.0.1\r\n\r\n", 400 },
        { "cl-leading-zeros", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 005\r\n\r\nhello", 400 },
        { "connect-not-allowed", "CONNECT internal.example:22 HTTP/1.1\r\nHost: internal.example:22\r\n\r\n", 405 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AmbiguousRequest_IsRefusedAndClosed_BackendSeesNoRequest(string name, string request, int status)
    {
        await using var be = new RecordingHttpBackend();
        var id = "sm-" + name;
        await _f.Admin.PoolAsync(id, [be.Port]);
        var port = await _f.Admin.VirtualAsync(id, id);
        var (text, closed) = await RawClient.ExchangeAsync(port, request);
        Assert.StartsWith($"HTTP/1.1 {status} ", text);
        Assert.Contains("Connection: close", text);
        Assert.True(closed, $"{name}: the proxy kept the connection open after refusing");
        await AllForwarded(be);
        Assert.Empty(be.Requests);
        Assert.Empty(be.Garbage);
    }

    public static TheoryData<string, string, string> ForwardedOnce => new()
    {
        { "content-length-body", "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhelloGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", "hello" },
        { "chunked-with-trailer", "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", "5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n" },
        { "chunked-uppercase", "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "3\r\nabc\r\n0\r\n\r\n" },
        { "chunked-split-across-fields-ok", "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1;name=\"v\"\r\nz\r\n0\r\n\r\n", "1;name=\"v\"\r\nz\r\n0\r\n\r\n" },
        { "http10-no-keepalive-with-extra-bytes", "GET /a HTTP/1.0\r\n\r\nGET /smuggled HTTP/1.0\r\n\r\n", "" },
        { "zero-length-body", "GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "" },
        { "chunked-trailer-framing-and-routing-fields-dropped", "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 50\r\nX-T: 1\r\nHost: evil\r\nTransfer_Encoding: identity\r\nConnection: keep-alive\r\n\r\n", "5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n" },
        { "underscore-name-folding-to-nothing-known", "GET /a HTTP/1.1\r\nHost: a\r\nX_Request_Id: 7\r\nConnection: close\r\n\r\n", "" },
    };

    [Theory]
    [MemberData(nameof(ForwardedOnce))]
    public async Task UnambiguousRequest_ForwardedExactlyOnce(string name, string request, string body)
    {
        await using var be = new RecordingHttpBackend();
        var id = "fw-" + name;
        await _f.Admin.PoolAsync(id, [be.Port]);
        var port = await _f.Admin.VirtualAsync(id, id);
        var (text, closed) = await RawClient.ExchangeAsync(port, request);
        Assert.StartsWith("HTTP/1.1 200 ", text);
        Assert.True(closed);
        await AllForwarded(be);
        var seen = Assert.Single(be.Requests);
        Assert.StartsWith(request.StartsWith("POST", StringComparison.Ordinal) ? "POST /a " : "GET /a ", seen);
        Assert.EndsWith("\r\n\r\n" + body, seen);
        Assert.DoesNotContain("smuggled", seen);
        Assert.Empty(be.Garbage);
    }

    [Fact]
    public async Task AbsoluteFormTarget_WithAnotherHost_MemberGetsTheAuthorityAsHost()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("fw-absolute", [be.Port]);
        var port = await _f.Admin.VirtualAsync("fw-absolute", "fw-absolute");

        var (text, closed) = await RawClient.ExchangeAsync(port, "GET http://good.example/a HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", text);
        Assert.True(closed);
        var seen = Assert.Single(be.Requests);
        Assert.StartsWith("GET http://good.example/a HTTP/1.1\r\n", seen);
        Assert.Contains("\r\nHost: good.example\r\n", seen);
        Assert.DoesNotContain("evil", seen);
    }

    [Fact]
    public async Task H2cUpgrade_IsForwardedAsAPlainRequest_WithoutUpgradeOrSettings()
    {
        await using var be = new RecordingHttpBackend();
        await _f.Admin.PoolAsync("fw-h2c", [be.Port]);
        var port = await _f.Admin.VirtualAsync("fw-h2c", "fw-h2c");

        var (text, closed) = await RawClient.ExchangeAsync(port, "GET /a HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", text);
        Assert.True(closed);
        Assert.Equal(2, be.Requests.Count);
        Assert.All(be.Requests, seen =>
        {
            Assert.DoesNotContain("h2c", seen, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("HTTP2-Settings", seen, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Upgrade", seen, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task H2cUpgrade_MemberAnswering101_IsNotTunnelled()
    {
        var sawUpgrade = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var be = new RawBackend(async s =>
        {
            var head = await RawClient.ReadUntilAsync(s, "\r\n\r\n", 1, TimeSpan.FromSeconds(5));
            sawUpgrade.TrySetResult(head.Contains("h2c", StringComparison.OrdinalIgnoreCase));
            await s.SendAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0"u8.ToArray());
        });
        await _f.Admin.PoolAsync("sm-h2c-101", [be.Port]);
        var port = await _f.Admin.VirtualAsync("sm-h2c-101", "sm-h2c-101");

        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");

        Assert.False(await sawUpgrade.Task);
        Assert.StartsWith("HTTP/1.1 502 ", text);
        Assert.DoesNotContain("PRI", text);
        Assert.True(closed);
    }

    [Fact]
    public async Task AmbiguousResponse_FromTheMember_Is502AndNotForwarded()
    {
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            await s.ReceiveAsync(buffer);
            await s.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\npwned!"));
        });
        await _f.Admin.PoolAsync("sm-resp", [be.Port]);
        var port = await _f.Admin.VirtualAsync("sm-resp", "sm-resp");
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 502 ", text);
        Assert.DoesNotContain("pwned", text);
        Assert.True(closed);
    }

    [Fact]
    public async Task InvalidChunkedResponseBody_ClientConnectionCutBeforeAnyInvalidByte()
    {
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            await s.ReceiveAsync(buffer);
            await s.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5x\r\nworld\r\n0\r\n\r\n"));
            await Task.Delay(500);
        });
        await _f.Admin.PoolAsync("sm-chunk-resp", [be.Port]);
        var port = await _f.Admin.VirtualAsync("sm-chunk-resp", "sm-chunk-resp");
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(closed);
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.DoesNotContain("5x", text);
        Assert.DoesNotContain("world", text);
        Assert.DoesNotContain("\r\n0\r\n\r\n", text); // never a terminating chunk: the client sees the body is cut
    }
}
