using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// SERVER_DATA and server-side <c>ctx.tcp.collect</c> in the live L4 proxy: a real fulcrum, raw-socket backends that
/// speak first (as SMTP, POP3, FTP, MySQL servers do), raw clients; what each side sees on the wire.
/// </summary>
public sealed class ServerDataProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public ServerDataProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>Reads one CRLF-terminated line (without the CRLF), a byte at a time so nothing after it is consumed.</summary>
    private static async Task<string> ReadLine(Socket s)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        using var cts = new CancellationTokenSource(Wait);
        while (!sb.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await s.ReceiveAsync(one, SocketFlags.None, cts.Token) == 0)
            {
                return sb.ToString();
            }
            sb.Append((char)one[0]);
        }
        return sb.ToString()[..^2];
    }

    private static async Task<string> Until(Socket s, string marker) => await RawClient.ReadUntilAsync(s, marker, 1, Wait);

    [Fact]
    public async Task BannerRewrite_SmtpGreetingSplitOverTwoReads_ClientSeesTheNewLine_RestOfTheSessionUntouched()
    {
        var afterGreeting = new TaskCompletionSource<string>();
        await using var smtp = new RawBackend(async s =>
        {
            await Send(s, "220 mx1.corp");
            await Task.Delay(100);
            await Send(s, ".internal ESMTP Postfix (Ubuntu)\r\n");
            afterGreeting.TrySetResult(await ReadLine(s));
            await Send(s, "250-mx1.corp.internal\r\n250 SIZE 10240000\r\n");
            await ReadLine(s);
            await Send(s, "221 2.0.0 Bye\r\n");
            s.Shutdown(SocketShutdown.Send);
        });
        var port = await L4(smtp, "banner", Sample("banner-rewrite.js"));

        using var c = await RawClient.ConnectAsync(port);
        var greeting = await Until(c, "\r\n");
        await Send(c, "EHLO client.example\r\n");
        var ehlo = await Until(c, "250 SIZE 10240000\r\n");
        await Send(c, "QUIT\r\n");
        var (bye, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.Equal("220 mail.example.com ready\r\n", greeting);
        Assert.Equal("EHLO client.example", await afterGreeting.Task.WaitAsync(Wait));
        Assert.Equal("250-mx1.corp.internal\r\n250 SIZE 10240000\r\n", ehlo);
        Assert.Equal("221 2.0.0 Bye\r\n", bye);
        Assert.True(closed);
    }

    [Fact]
    public async Task CollectReleaseRepeated_EachServerMessageHeldInTurn_ThenStreams_ClientBytesFlowWhileHeld()
    {
        // Each message waits for the client's ack, which reaches the server only because the client direction keeps
        // flowing while the server direction is held.
        await using var be = new RawBackend(async s =>
        {
            foreach (var m in new[] { "one", "two", "three" })
            {
                await Send(s, m + "\r\n");
                if (await ReadLine(s) != "ack " + m)
                {
                    return;
                }
            }
            await Send(s, "tail\r\n");
            s.Shutdown(SocketShutdown.Send);
        });
        var port = await L4(be, "each", """
            when('SERVER_CONNECTED', ctx => { ctx.vars.n = 0; ctx.tcp.collect(1); });
            when('SERVER_DATA', ctx => {
              ctx.vars.n = ctx.vars.n + 1;
              ctx.tcp.payload = '[' + ctx.vars.n + '] ' + ctx.tcp.payload;
              ctx.tcp.release();
              if (ctx.vars.n < 3) ctx.tcp.collect(1);
            });
            """);

        using var c = await RawClient.ConnectAsync(port);
        var seen = new List<string>();
        foreach (var m in new[] { "one", "two", "three" })
        {
            seen.Add(await ReadLine(c));
            await Send(c, "ack " + m + "\r\n");
        }
        var (rest, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.Equal(["[1] one", "[2] two", "[3] three"], seen);
        Assert.Equal("tail\r\n", rest);
        Assert.True(closed);
        Assert.Equal(3, await EventExecutions("each", "SERVER_DATA"));
    }

    [Fact]
    public async Task RespondInServerData_GoesToTheServer_ClientNeverSeesTheChallenge()
    {
        var answer = new TaskCompletionSource<string>();
        await using var be = new RawBackend(async s =>
        {
            await Send(s, "AUTH?\r\n");
            var line = await ReadLine(s);
            answer.TrySetResult(line);
            await Send(s, line == "AUTH s3cret" ? "WELCOME\r\n" : "DENIED\r\n");
            string echo;
            while ((echo = await ReadLine(s)).Length > 0)
            {
                await Send(s, "echo " + echo + "\r\n");
            }
        });
        var port = await L4(be, "auth", """
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(7); });
            when('SERVER_DATA', ctx => {
              if (ctx.tcp.payload === 'AUTH?\r\n') {
                ctx.tcp.respond('AUTH s3cret\r\n');
                ctx.tcp.payload = '';
              }
              ctx.tcp.release();
            });
            """);

        using var c = await RawClient.ConnectAsync(port);
        var first = await ReadLine(c);
        await Send(c, "hi\r\n");
        var echoed = await ReadLine(c);

        Assert.Equal("AUTH s3cret", await answer.Task.WaitAsync(Wait));
        Assert.Equal("WELCOME", first);
        Assert.Equal("echo hi", echoed);
    }

    [Fact]
    public async Task CloseInServerData_ReleasedReplacementDelivered_ThenClientGetsFin_ServerConnectionClosed()
    {
        var serverSawClose = new TaskCompletionSource<bool>();
        await using var be = new RawBackend(async s =>
        {
            await Send(s, "421 mx1.corp.internal overloaded, internal queue 4711\r\n");
            var buffer = new byte[64];
            try
            {
                using var cts = new CancellationTokenSource(Wait);
                serverSawClose.TrySetResult(await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0);
            }
            catch (SocketException)
            {
                serverSawClose.TrySetResult(true);
            }
        });
        var port = await L4(be, "shut", """
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });
            when('SERVER_DATA', ctx => {
              if (ctx.tcp.payload.startsWith('4')) {
                ctx.tcp.payload = '421 service unavailable\r\n';
                ctx.tcp.release();
                ctx.tcp.close();
                return;
              }
              ctx.tcp.release();
            });
            """);

        using var c = await RawClient.ConnectAsync(port);
        var got = new StringBuilder();
        var buffer = new byte[1024];
        int n;
        using var cts = new CancellationTokenSource(Wait);
        // A FIN (a read of 0), not a reset: ReceiveAsync would throw on a reset.
        while ((n = await c.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            got.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        Assert.Equal("421 service unavailable\r\n", got.ToString());
        Assert.True(await serverSawClose.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task AfterRelease_BigServerStream_ArrivesWhole_WithOneServerDataEvent()
    {
        var data = KestrelBackend.Pattern(32 << 20);
        await using var be = new RawBackend(async s =>
        {
            await Send(s, "HELLO v1\r\n");
            await s.SendAsync(data);
            s.Shutdown(SocketShutdown.Send);
        });
        var port = await L4(be, "big", """
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });
            when('SERVER_DATA', ctx => {
              ctx.tcp.payload = ctx.tcp.payload.replace('HELLO v1', 'WELCOME');
              ctx.tcp.release();
            });
            """);

        using var c = await RawClient.ConnectAsync(port);
        using var received = new MemoryStream();
        var buffer = new byte[256 << 10];
        int n;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((n = await c.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            received.Write(buffer, 0, n);
        }
        var all = received.ToArray();
        var head = "WELCOME\r\n"u8.ToArray();

        Assert.Equal(head.Length + data.Length, all.Length);
        Assert.Equal(head, all[..head.Length]);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(all.AsSpan(head.Length)));
        // Released once: the rest streamed through the plain pump, no rule call per chunk.
        Assert.Equal(1, await EventExecutions("big", "SERVER_DATA"));
    }

    [Fact]
    public async Task ClientAndServerHolds_OnOneConnection_BothRunWithoutDeadlock()
    {
        // The client's second message is held (collect after release in CLIENT_DATA) while the server connects and its
        // banner is held: two holds at once, each direction in its own task.
        var serverGot = new TaskCompletionSource<string>();
        await using var be = new RawBackend(async s =>
        {
            await Send(s, "banner\r\n");
            var line = await ReadLine(s);
            serverGot.TrySetResult(line);
            await Send(s, "echo " + line + "\r\n");
            await Send(s, "echo " + await ReadLine(s) + "\r\n");
        });
        var port = await L4(be, "both", """
            when('CLIENT_ACCEPTED', ctx => { ctx.vars.c = 0; ctx.tcp.collect(5); });
            when('CLIENT_DATA', ctx => {
              ctx.vars.c = ctx.vars.c + 1;
              ctx.tcp.payload = ctx.tcp.payload.toUpperCase();
              ctx.tcp.release();
              if (ctx.vars.c < 2) ctx.tcp.collect(1);
            });
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });
            when('SERVER_DATA', ctx => {
              ctx.tcp.payload = ctx.tcp.payload.replace('banner', 'BANNER from ' + ctx.server.port);
              ctx.tcp.release();
            });
            """);

        using var c = await RawClient.ConnectAsync(port);
        await Send(c, "hello");
        var banner = await ReadLine(c);
        await Send(c, " world\r\n");
        var echo = await ReadLine(c);
        await Send(c, "plain\r\n");
        var plain = await ReadLine(c);

        Assert.Equal("BANNER from " + be.Port, banner);
        Assert.Equal("HELLO WORLD", await serverGot.Task.WaitAsync(Wait));
        Assert.Equal("echo HELLO WORLD", echo);
        Assert.Equal("echo plain", plain);
        Assert.Equal(2, await EventExecutions("both", "CLIENT_DATA"));
    }

    [Fact]
    public async Task ErrorInServerData_ResetsOnlyThatConnection_OthersGoOn_FailureCounted()
    {
        await using var be = new RawBackend(async s =>
        {
            var hello = await ReadLine(s);
            await Send(s, "banner-" + hello + "\r\n");
            string line;
            while ((line = await ReadLine(s)).Length > 0)
            {
                await Send(s, line + "\r\n");
            }
        });
        var port = await L4(be, "boom", """
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });
            when('SERVER_DATA', ctx => {
              if (ctx.tcp.payload.includes('boom')) throw new Error('bad banner');
              ctx.tcp.release();
            });
            """);

        var good = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            var s = await RawClient.ConnectAsync(port);
            good.Add(s);
            await Send(s, "ok" + i + "\r\n");
            Assert.Equal("banner-ok" + i, await ReadLine(s));
        }
        using (var bad = await RawClient.ConnectAsync(port))
        {
            await Send(bad, "boom\r\n");
            var (text, closed) = await RawClient.ReadToCloseAsync(bad, Wait);
            Assert.Equal("", text);
            Assert.True(closed);
        }
        for (var i = 0; i < good.Count; i++)
        {
            await Send(good[i], "still here " + i + "\r\n");
            Assert.Equal("still here " + i, await ReadLine(good[i]));
            good[i].Dispose();
        }
        var metrics = (await _f.Admin.Get("/metrics")).Text;
        Assert.Matches("fulcrum_rule_failures_total\\{rule=\"" + Regex.Escape(N("boom")) + "\"\\} 1\\b", metrics);
        Assert.False(System.Diagnostics.Process.GetProcessById(_f.Appliance.Pid).HasExited);
    }

    [Fact]
    public async Task ServerHold_ServerNeverSendsEnough_ResetWithinTheIdleTimeout_EventNeverRuns()
    {
        await using var be = new RawBackend(async s =>
        {
            await Send(s, "short");
            await Task.Delay(Wait);
        });
        await _f.Admin.ProfileAsync("tcp", $$"""{"name":"{{N("tcp-idle1")}}","idleTimeout":1}""");
        await Pool("pwait", be.Port);
        await Rule("wait", """
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(100); });
            when('SERVER_DATA', ctx => { ctx.tcp.release(); });
            """);
        var port = await Virtual("pwait", "wait", profiles: $"\"{N("tcp-idle1")}\"");

        using var c = await RawClient.ConnectAsync(port);
        var started = DateTime.UtcNow;
        var (text, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.True(closed);
        Assert.Equal("", text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
        Assert.Equal(0, await EventExecutions("wait", "SERVER_DATA"));
    }

    [Fact]
    public async Task CloseInServerConnected_ClientGetsFin_ServerNeverHeard()
    {
        var serverGot = new TaskCompletionSource<int>();
        await using var be = new RawBackend(async s =>
        {
            var buffer = new byte[64];
            try
            {
                using var cts = new CancellationTokenSource(Wait);
                serverGot.TrySetResult(await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token));
            }
            catch (SocketException)
            {
                serverGot.TrySetResult(0);
            }
        });
        var port = await L4(be, "early", "when('SERVER_CONNECTED', ctx => { ctx.tcp.close(); });");

        using var c = await RawClient.ConnectAsync(port);
        await Send(c, "data\r\n");
        var (text, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.True(closed);
        Assert.Equal("", text);
        Assert.Equal(0, await serverGot.Task.WaitAsync(Wait));
    }
}
