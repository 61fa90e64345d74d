using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane;

/// <summary>The HTTP/1.1 full proxy end to end: real fulcrum, Kestrel and raw backends, curl, HttpClient and raw sockets.</summary>
public sealed class HttpProxyTests : IClassFixture<ApplianceFixture>, IAsyncLifetime
{
    private readonly ApplianceFixture _f;
    private KestrelBackend _be = null!;
    private int _port;

    public HttpProxyTests(ApplianceFixture f)
    {
        _f = f;
    }

    public async Task InitializeAsync()
    {
        _be = await KestrelBackend.StartAsync("k1");
        var name = "h" + Guid.NewGuid().ToString("N")[..8];
        await _f.Admin.PoolAsync(name, [_be.Port]);
        _port = await _f.Admin.VirtualAsync(name, name);
    }

    public async Task DisposeAsync() => await _be.DisposeAsync();

    private Uri Url(string path) => new($"http://127.0.0.1:{_port}{path}");

    private static async Task<(int Exit, string Out, string Err)> Curl(params string[] args)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Curl_KeepAlive_ReusesOneClientAndOneServerConnection()
    {
        var (exit, output, err) = await Curl("-sv", Url("/").ToString(), Url("/").ToString(), Url("/").ToString());
        Assert.Equal(0, exit);
        Assert.Equal(3, RawClient.Occurrences(output, "hello from k1"));
        Assert.Contains("Re-using existing connection", err);
        Assert.Equal(1, _be.Connections);
    }

    [Fact]
    public async Task Pipelining_ThreeRequestsInOneWrite_AnsweredInOrder()
    {
        using var s = await RawClient.ConnectAsync(_port);
        var req = "GET /status/201 HTTP/1.1\r\nHost: a\r\n\r\nGET /status/202 HTTP/1.1\r\nHost: a\r\n\r\nGET /status/203 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
        await s.SendAsync(Encoding.ASCII.GetBytes(req));
        var (text, closed) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(5));
        Assert.True(closed, text);
        var i1 = text.IndexOf("HTTP/1.1 201", StringComparison.Ordinal);
        var i2 = text.IndexOf("HTTP/1.1 202", StringComparison.Ordinal);
        var i3 = text.IndexOf("HTTP/1.1 203", StringComparison.Ordinal);
        Assert.True(i1 >= 0 && i2 > i1 && i3 > i2, text);
    }

    [Fact]
    public async Task Chunked_BothWays_BodyIntact()
    {
        using var s = await RawClient.ConnectAsync(_port);
        await s.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"u8.ToArray());
        var text = await RawClient.ReadUntilAsync(s, "\r\n0\r\n\r\n", 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.Contains("transfer-encoding: chunked", text, StringComparison.OrdinalIgnoreCase);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Equal("hello world", Dechunk(body));

        using var http = new HttpClient();
        Assert.Equal("part0;part1;part2;part3;part4;", await http.GetStringAsync(Url("/chunked")));
    }

    private static string Dechunk(string chunked)
    {
        var sb = new StringBuilder();
        var pos = 0;
        while (true)
        {
            var eol = chunked.IndexOf("\r\n", pos, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[pos..eol].Split(';')[0], 16);
            if (size == 0)
            {
                return sb.ToString();
            }
            sb.Append(chunked, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    }

    [Fact]
    public async Task Expect100Continue_InterimResponseForwardedBeforeTheBody()
    {
        using var s = await RawClient.ConnectAsync(_port);
        await s.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"u8.ToArray());
        var interim = await RawClient.ReadUntilAsync(s, "\r\n\r\n", 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 100 Continue", interim);
        await s.SendAsync("abcde"u8.ToArray());
        var rest = await RawClient.ReadUntilAsync(s, "abcde", 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", rest);
        Assert.Contains("\r\n\r\n5\r\nabcde\r\n", rest);
    }

    [Fact]
    public async Task WebSocket_EchoThroughTheProxy()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{_port}/ws"), CancellationToken.None);
        var buffer = new byte[1024];
        for (var i = 0; i < 3; i++)
        {
            var msg = Encoding.UTF8.GetBytes("message " + i);
            await ws.SendAsync(msg, WebSocketMessageType.Text, true, CancellationToken.None);
            var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal("message " + i, Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, ws.State);
    }

    [Fact]
    public async Task HeadAnd204And304_FramedWithoutBody_ConnectionStaysUsable()
    {
        using var s = await RawClient.ConnectAsync(_port);
        await s.SendAsync("HEAD /bytes/1000 HTTP/1.1\r\nHost: a\r\n\r\nGET /status/204 HTTP/1.1\r\nHost: a\r\n\r\nGET /status/304 HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
        var text = await RawClient.ReadUntilAsync(s, "hello from k1\n", 1, TimeSpan.FromSeconds(5));
        Assert.Contains("HTTP/1.1 200", text);
        Assert.Contains("Content-Length: 1000", text);
        Assert.Contains("HTTP/1.1 204", text);
        Assert.Contains("HTTP/1.1 304", text);
        Assert.EndsWith("hello from k1\n", text);
    }

    [Fact]
    public async Task ResponseWithoutLength_ReadUntilClose_ClientClosedAfter()
    {
        await using var raw = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            await s.ReceiveAsync(buffer);
            await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil-close-body"u8.ToArray());
            s.Shutdown(SocketShutdown.Send);
        });
        await _f.Admin.PoolAsync("uc", [raw.Port]);
        var port = await _f.Admin.VirtualAsync("uc", "uc");
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(closed);
        Assert.Contains("Connection: close", text);
        Assert.EndsWith("\r\n\r\nuntil-close-body", text);
    }

    [Fact]
    public async Task Connect_AllowedByTheProfile_2xxFromTheMember_BecomesATwoWayTunnel()
    {
        await using var raw = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            await s.ReceiveAsync(buffer);
            await s.SendAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray());
            int n;
            while ((n = await s.ReceiveAsync(buffer)) > 0)
            {
                await s.SendAsync(buffer.AsMemory(0, n));
            }
        });
        await _f.Admin.PoolAsync("connect", [raw.Port]);
        await _f.Admin.ProfileAsync("http", """{"name":"http-connect","allowConnect":true}""");
        var port = await _f.Admin.VirtualAsync("connect", "connect", "\"tcp\",\"http-connect\"");
        using var s = await RawClient.ConnectAsync(port);
        await s.SendAsync("CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n"u8.ToArray());
        var head = await RawClient.ReadUntilAsync(s, "\r\n\r\n", 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", head);
        await s.SendAsync("tunnelled bytes"u8.ToArray());
        Assert.Equal("tunnelled bytes", await RawClient.ReadUntilAsync(s, "bytes", 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task KeepAliveTimeout_ClosesAnIdleClientBetweenRequests()
    {
        await _f.Admin.ProfileAsync("http", """{"name":"http-ka1","keepAliveTimeout":1}""");
        var port = await _f.Admin.VirtualAsync("ka1", await FirstPoolOf(), "\"tcp\",\"http-ka1\"");
        using var s = await RawClient.ConnectAsync(port);
        await s.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
        var started = DateTime.UtcNow;
        var (text, closed) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.True(closed);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.8, 3);
    }

    [Fact]
    public async Task ProxyProtocolV2_AtL7_PrecedesTheFirstRequestOnEachServerConnection()
    {
        var received = new TaskCompletionSource<byte[]>();
        await using var raw = new RawBackend(async s =>
        {
            var all = new List<byte>();
            var buffer = new byte[4096];
            // The v2 signature itself starts with CRLF CRLF: look for the end of the head only past the 28-byte header
            // (the preamble may arrive in a segment of its own).
            while (all.Count <= 28 || !Encoding.Latin1.GetString(all.ToArray(), 28, all.Count - 28).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await s.ReceiveAsync(buffer);
                if (n == 0)
                {
                    break;
                }
                all.AddRange(buffer.AsSpan(0, n));
            }
            received.TrySetResult(all.ToArray());
            await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
        });
        await _f.Admin.PoolAsync("pp7", [raw.Port]);
        await _f.Admin.ProfileAsync("tcp", """{"name":"tcp-pp7","proxyProtocol":"v2"}""");
        var port = await _f.Admin.VirtualAsync("pp7", "pp7", "\"tcp-pp7\",\"http\"");
        var (text, _) = await RawClient.ExchangeAsync(port, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("ok", text);
        var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12 }, got[..16]);
        Assert.StartsWith("GET /x HTTP/1.1\r\n", Encoding.Latin1.GetString(got, 28, got.Length - 28));
    }

    [Fact]
    public async Task EarlyResponse_BeforeTheBodyIsSent_ForwardedAndBothSidesClosed()
    {
        await using var raw = new RawBackend(async s =>
        {
            var buffer = new byte[4096];
            await s.ReceiveAsync(buffer); // the head (and maybe some body): answer without reading the rest
            await s.SendAsync("HTTP/1.1 413 Content Too Large\r\nContent-Length: 4\r\n\r\nbig!"u8.ToArray());
            await Task.Delay(500);
        });
        await _f.Admin.PoolAsync("early", [raw.Port]);
        var port = await _f.Admin.VirtualAsync("early", "early");
        using var s = await RawClient.ConnectAsync(port);
        await s.SendAsync("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n\r\n"u8.ToArray());
        try
        {
            await s.SendAsync(new byte[256 * 1024]);
        }
        catch (SocketException)
        {
        }
        var (text, closed) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 413", text);
        Assert.EndsWith("big!", text);
        Assert.True(closed);
    }

    [Fact]
    public async Task HopByHopHeaders_RemovedAndForwardingHeadersInserted()
    {
        await _f.Admin.ProfileAsync("http", """{"name":"http-fwd","insertXForwardedFor":true,"insertXForwardedProto":true,"insertVia":true,"serverHeaderAction":"replace","serverHeaderValue":"fulcrum"}""");
        var port = await _f.Admin.VirtualAsync("fwd", (await FirstPoolOf()).ToString(), "\"tcp\",\"http-fwd\"");
        var (text, _) = await RawClient.ExchangeAsync(port,
            "GET /headers HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: x\r\nX-Forwarded-For: 6.6.6.6\r\nX-Kept: yes\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        var body = text.ToLowerInvariant();
        Assert.Contains("x-kept: yes", body);
        Assert.DoesNotContain("x-secret", body);
        Assert.DoesNotContain("keep-alive: timeout", body);
        Assert.DoesNotContain("\nte:", body);
        Assert.DoesNotContain("proxy-connection", body);
        Assert.DoesNotContain("6.6.6.6", body);
        Assert.Contains("x-forwarded-for: 127.0.0.1", body);
        Assert.Contains("x-forwarded-proto: http", body);
        Assert.Contains("via: 1.1 fulcrum", body);
        Assert.Contains("Server: fulcrum", text);
        Assert.DoesNotContain("Kestrel", text);
    }

    private async Task<string> FirstPoolOf()
    {
        var pools = (await _f.Admin.Get("/api/v1/status")).Json.GetProperty("pools");
        foreach (var p in pools.EnumerateArray())
        {
            foreach (var m in p.GetProperty("members").EnumerateArray())
            {
                if (m.GetProperty("port").GetInt32() == _be.Port)
                {
                    return p.GetProperty("name").GetString()!;
                }
            }
        }
        throw new InvalidOperationException();
    }

    [Fact]
    public async Task BackendDiesMidResponse_ClientSeesAnIncompleteResponse()
    {
        using var http = new HttpClient();
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () => await http.GetByteArrayAsync(Url("/abort/5000")));
        Assert.True(ex is HttpRequestException or IOException, ex.ToString());
        var pool = await _f.Admin.PoolStatusAsync(await FirstPoolOf());
        Assert.True(DataPlaneApi.ErrorCount(pool, "server-closed") >= 1, pool.ToString());
    }

    [Fact]
    public async Task MemberFailover_RefusedMemberSkipped_NoMember503()
    {
        var dead = FreePort.Next();
        await _f.Admin.PoolAsync("fo", [dead, _be.Port], reselectTries: 1);
        var port = await _f.Admin.VirtualAsync("fo", "fo");
        using (var http = new HttpClient())
        {
            for (var i = 0; i < 6; i++)
            {
                using var r = await http.GetAsync($"http://127.0.0.1:{port}/");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
        }
        await _f.Admin.PoolAsync("fo-dead", [dead]);
        var port2 = await _f.Admin.VirtualAsync("fo-dead", "fo-dead");
        var (text, closed) = await RawClient.ExchangeAsync(port2, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 503", text);
        Assert.True(closed);
    }

    [Fact]
    public async Task SlowMember_ServerTimeout_Answered504()
    {
        await _f.Admin.ProfileAsync("tcp", """{"name":"tcp-idle1s","idleTimeout":1}""");
        var port = await _f.Admin.VirtualAsync("srvto", await FirstPoolOf(), "\"tcp-idle1s\",\"http\"");
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET /slow/3000 HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 504 ", text);
        Assert.True(closed);
        Assert.Equal(1, await _f.Admin.VirtualErrorsAsync("srvto", "server-timeout", 1));
    }

    [Fact]
    public async Task MaxRequests_ClosesTheClientConnectionAfterN()
    {
        await _f.Admin.ProfileAsync("http", """{"name":"http-max2","maxRequests":2}""");
        var port = await _f.Admin.VirtualAsync("max2", await FirstPoolOf(), "\"tcp\",\"http-max2\"");
        var (text, closed) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(closed);
        Assert.Equal(2, RawClient.Occurrences(text, "HTTP/1.1 200"));
        Assert.Contains("Connection: close", text);
    }

    [Fact]
    public async Task Upload100MbAndDownload100Mb_StreamedWithBoundedProxyMemory()
    {
        const long size = 100L * 1024 * 1024;
        var pid = _f.Appliance.Pid;
        var before = DataPlaneApi.Rss(pid);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, DataPlaneApi.Rss(pid));
                await Task.Delay(20);
            }
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        using (var content = new StreamContent(new PatternStream(size)))
        {
            content.Headers.ContentLength = size;
            using var r = await http.PostAsync(Url("/count"), content);
            Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), await r.Content.ReadAsStringAsync());
        }
        using (var r = await http.GetAsync(Url($"/bytes/{size}"), HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await r.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                total += n;
            }
            Assert.Equal(size, total);
        }
        sampling.Cancel();
        await sampler;
        // 200 MB went through; the proxy may grow by buffers and JIT/GC noise, never by the body.
        Assert.True(peak - before < 48L * 1024 * 1024, $"RSS grew by {(peak - before) / 1048576} MB (before {before / 1048576} MB, peak {peak / 1048576} MB)");
    }

    /// <summary>A read-only stream of <c>length</c> pattern bytes, made as read (the client does not hold 100 MB either).</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((_position + i) % 251);
            }
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
