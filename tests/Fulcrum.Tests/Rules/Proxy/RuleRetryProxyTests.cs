using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// ctx.http.retry() through the live proxy: the member's response is dropped (its bytes never reach the client), the
/// same request is balanced again (LB_SELECTED fires) and sent, with or without OneConnect, and the client's
/// keep-alive connection goes on as if nothing happened.
/// </summary>
public sealed class RuleRetryProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private const string Secret = "A-SECRET-BODY";

    public RuleRetryProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>Member A: 503 with a body the client must never see; on /late the body follows the head 300 ms later.</summary>
    private Task<ScriptedBackend> FailingA() => Scripted("a", async ctx =>
    {
        await ctx.Request.Body.CopyToAsync(Stream.Null);
        ctx.Response.StatusCode = 503;
        ctx.Response.ContentLength = Secret.Length;
        if (ctx.Request.Path == "/late")
        {
            await ctx.Response.StartAsync();
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(300);
        }
        await ctx.Response.WriteAsync(Secret);
    });

    /// <summary>Member B: says what it got (method, path, the rule's header, the body) and ends with a marker.</summary>
    private Task<ScriptedBackend> EchoB() => Scripted("b", async ctx =>
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        // Content-Length framing: a chunked answer's last chunk could arrive after "|END" and be read as the next response.
        var text = Encoding.UTF8.GetBytes($"B-OK {ctx.Request.Method} {ctx.Request.Path} x-rule={ctx.Request.Headers["x-rule"]} body={body}|END\n");
        ctx.Response.ContentLength = text.Length;
        await ctx.Response.Body.WriteAsync(text);
    });

    private static async Task<string> Exchange(Socket s, string request)
    {
        await s.SendAsync(Encoding.Latin1.GetBytes(request));
        return await RawClient.ReadUntilAsync(s, "|END\n", 1, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retry_503FromA_ToPoolB_ClientSeesOnlyB_ReqStateSurvives_KeepAliveGoesOn(bool oneConnect)
    {
        var a = await FailingA();
        var b = await EchoB();
        await Pool("a", a.Port);
        await Pool("b", b.Port);
        await Rule("retry", Localize("""
            when('HTTP_REQUEST', ctx => { ctx.http.setHeader('x-rule', 'kept'); });
            when('LB_SELECTED', ctx => { ctx.req.picks = (ctx.req.picks || '') + ctx.lb.selected.split(' ')[0] + ';'; });
            when('HTTP_RESPONSE', ctx => {
              if (ctx.http.status === 503 && !ctx.req.retried) { ctx.req.retried = true; ctx.lb.pool('b'); ctx.http.retry(); }
            });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-picks', ctx.req.picks); ctx.http.setHeader('x-retried', String(ctx.req.retried === true)); });
            """, "b"));
        var port = await Virtual("a", "retry", profiles: oneConnect ? "\"tcp\",\"http\",\"oneconnect\"" : "\"tcp\",\"http\"");

        using var s = await RawClient.ConnectAsync(port);
        var all = new StringBuilder();
        foreach (var path in new[] { "/", "/late", "/", "/late", "/" })
        {
            var text = await Exchange(s, $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
            all.Append(text);
            Assert.StartsWith("HTTP/1.1 200", text);
            Assert.Contains($"B-OK GET {path} x-rule=kept body=|END", text);
            Assert.Contains($"x-picks: {N("a")};{N("b")};\r\n", text);
            Assert.Contains("x-retried: true\r\n", text);
        }

        Assert.DoesNotContain(Secret, all.ToString());
        Assert.DoesNotContain("503", all.ToString());
        Assert.Equal((5, 5), (a.Requests, b.Requests));
        // The client connection was never closed by the proxy: one more request on it still works.
        Assert.Contains("B-OK GET /again", await Exchange(s, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    [Theory]
    [InlineData("Content-Length: 11\r\n\r\nhello world")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")]
    public async Task Retry_PostWithCollectedBody_SecondMemberGetsTheBodyIntact(string framingAndBody)
    {
        var a = await FailingA();
        var b = await EchoB();
        await Pool("a", a.Port);
        await Pool("b", b.Port);
        await Rule("retrypost", Localize("""
            when('HTTP_REQUEST', ctx => { ctx.http.collect({ max: 65536 }); });
            when('HTTP_RESPONSE', ctx => { if (ctx.http.status === 503) { ctx.lb.pool('b'); ctx.http.retry(); } });
            """, "b"));
        var port = await Virtual("a", "retrypost", profiles: "\"tcp\",\"http\",\"oneconnect\"");

        using var s = await RawClient.ConnectAsync(port);
        var first = await Exchange(s, "POST /form HTTP/1.1\r\nHost: x\r\n" + framingAndBody);
        var second = await Exchange(s, "POST /form2 HTTP/1.1\r\nHost: x\r\n" + framingAndBody);

        Assert.StartsWith("HTTP/1.1 200", first);
        Assert.Contains("B-OK POST /form x-rule= body=hello world|END", first);
        Assert.Contains("B-OK POST /form2 x-rule= body=hello world|END", second);
        Assert.DoesNotContain(Secret, first + second);
        Assert.Equal(2, a.Requests);
    }

    [Fact]
    public async Task Retry_PostWithStreamedBody_IsARuleErrorNamingTheReason_NothingLeaks()
    {
        var a = await FailingA();
        var b = await EchoB();
        await Pool("a", a.Port);
        await Pool("b", b.Port);
        await Rule("retrystream", Localize("""
            when('HTTP_RESPONSE', ctx => { if (ctx.http.status === 503) { ctx.lb.pool('b'); ctx.http.retry(); } });
            """, "b"));
        var port = await Virtual("a", "retrystream");

        var (text, closed) = await RawClient.ExchangeAsync(port, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");

        Assert.StartsWith("HTTP/1.1 500", text);
        Assert.Contains("Connection: close", text);
        Assert.True(closed);
        Assert.DoesNotContain(Secret, text);
        Assert.Equal(0, b.Requests);
        await Eventually(() => _f.Appliance.Output.Contains("call ctx.http.collect() in HTTP_REQUEST to make a request with a body retryable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_Bounded_FifthRetryIsARuleError_ClientGets500()
    {
        var a = await FailingA();
        await Pool("a", a.Port);
        await Rule("retryloop", """
            when('HTTP_RESPONSE', ctx => { ctx.req.n = (ctx.req.n || 0) + 1; ctx.http.retry(); });
            """);
        var port = await Virtual("a", "retryloop", profiles: "\"tcp\",\"http\",\"oneconnect\"");

        // Read to close: five round trips to a member and the rule error's answer; generous for a loaded 2-core box.
        var (text, _) = await RawClient.ExchangeAsync(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", TimeSpan.FromSeconds(15));

        Assert.StartsWith("HTTP/1.1 500", text);
        Assert.DoesNotContain(Secret, text);
        Assert.Equal(1 + Fulcrum.Scripting.Compilation.RuleLimits.MaxRetries, a.Requests);
        await Eventually(() => _f.Appliance.Output.Contains("already retried 4 times, the limit per request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_InResponseData_AfterCollectingTheResponse_SendsAgain()
    {
        var flaky = 0;
        var a = await Scripted("a", async ctx =>
        {
            // Every other response carries an error in its body (a 200 the rule must read to judge).
            var bad = Interlocked.Increment(ref flaky) % 2 == 1;
            await ctx.Response.WriteAsync(bad ? "{\"error\":\"" + Secret + "\"}" : "{\"ok\":true}|END\n");
        });
        await Pool("a", a.Port);
        await Rule("retrydata", """
            when('HTTP_RESPONSE', ctx => { ctx.http.collect({ max: 4096 }); });
            when('HTTP_RESPONSE_DATA', ctx => { if (ctx.http.body.includes('"error"')) ctx.http.retry(); });
            """);
        var port = await Virtual("a", "retrydata", profiles: "\"tcp\",\"http\",\"oneconnect\"");

        using var s = await RawClient.ConnectAsync(port);
        var texts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            texts.Add(await Exchange(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        }

        Assert.All(texts, t => Assert.Contains("{\"ok\":true}|END", t));
        Assert.DoesNotContain(Secret, string.Concat(texts));
        Assert.Equal(6, a.Requests);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 50 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition());
    }
}
