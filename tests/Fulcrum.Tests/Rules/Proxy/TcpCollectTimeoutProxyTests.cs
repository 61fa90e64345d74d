using System.Diagnostics;
using System.Net.Sockets;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// An L4 collect that never fills (HAProxy's inspect-delay): the tcp profile's <c>collectTimeout</c>, or the rule's
/// <c>ctx.tcp.collect(n, {timeoutMs})</c>, bounds the wait; then CLIENT_DATA runs with what arrived and
/// <c>ctx.tcp.timedOut</c> true, and the connection goes on. Real fulcrum, a raw echo member, raw clients.
/// </summary>
public sealed class TcpCollectTimeoutProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Tags what CLIENT_DATA saw ([timedOut:length]) in front of the bytes and lets them go on.
    private const string Tag = """
        when('CLIENT_DATA', ctx => {
          ctx.tcp.payload = '[' + ctx.tcp.timedOut + ':' + ctx.tcp.payload.length + ']' + ctx.tcp.payload;
          ctx.tcp.release();
        });
        """;

    public TcpCollectTimeoutProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    private static RawBackend Echo() => new(async s =>
    {
        var buffer = new byte[4096];
        int n;
        while ((n = await s.ReceiveAsync(buffer)) > 0)
        {
            await s.SendAsync(buffer.AsMemory(0, n));
        }
        s.Shutdown(SocketShutdown.Send);
    });

    /// <summary>An L4 virtual with its own tcp profile (<paramref name="tcpProfile"/> is extra JSON members).</summary>
    private async Task<int> L4WithProfile(RawBackend backend, string rule, string source, string tcpProfile)
    {
        await _f.Admin.ProfileAsync("tcp", $$"""{"name":"{{N("tcp-" + rule)}}"{{tcpProfile}}}""");
        await Pool("p" + rule, backend.Port);
        await Rule(rule, source);
        return await Virtual("p" + rule, rule, profiles: $"\"{N("tcp-" + rule)}\"");
    }

    [Fact]
    public async Task FewerBytesThanCollected_AfterTheProfilesCollectTimeout_ClientDataRunsWithWhatArrived()
    {
        await using var echo = Echo();
        var port = await L4WithProfile(echo, "ctprof", "when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(10));\n" + Tag, ",\"collectTimeout\":1");
        using var c = await RawClient.ConnectAsync(port);
        var clock = Stopwatch.StartNew();

        await Send(c, "abc");
        var seen = await RawClient.ReadUntilAsync(c, "abc", 1, Wait);

        Assert.Equal("[true:3]abc", seen);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.8, 5);
        // The connection goes on streaming: later bytes are not held.
        await Send(c, "more");
        Assert.Equal("more", await RawClient.ReadUntilAsync(c, "more", 1, Wait));
    }

    [Fact]
    public async Task CollectWithTimeoutMs_OverridesTheProfilesFiveSeconds()
    {
        await using var echo = Echo();
        var port = await L4(echo, "ctopt", "when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(10, { timeoutMs: 300 }));\n" + Tag);
        using var c = await RawClient.ConnectAsync(port);
        var clock = Stopwatch.StartNew();

        await Send(c, "ab");
        var seen = await RawClient.ReadUntilAsync(c, "ab", 1, Wait);

        Assert.Equal("[true:2]ab", seen);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.25, 4); // the built-in tcp profile would wait 5 s
    }

    [Fact]
    public async Task EnoughBytesBeforeTheTimeout_TimedOutIsFalse()
    {
        await using var echo = Echo();
        var port = await L4(echo, "ctfull", "when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(4, { timeoutMs: 5000 }));\n" + Tag);
        using var c = await RawClient.ConnectAsync(port);

        await Send(c, "abcd");

        Assert.Equal("[false:4]abcd", await RawClient.ReadUntilAsync(c, "abcd", 1, Wait));
    }

    [Fact]
    public async Task NothingArrives_TheEventRunsWithAnEmptyPayload_AndCanAnswerFirst()
    {
        await using var echo = Echo();
        var port = await L4(echo, "ctnone", """
            when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(1, { timeoutMs: 300 }));
            when('CLIENT_DATA', ctx => {
              if (ctx.tcp.timedOut && ctx.tcp.payload.length === 0) ctx.tcp.respond('220 speak first\r\n');
              ctx.tcp.release();
            });
            """);
        using var c = await RawClient.ConnectAsync(port);

        Assert.Equal("220 speak first\r\n", await RawClient.ReadUntilAsync(c, "\r\n", 1, Wait));
        await Send(c, "hi");
        Assert.Equal("hi", await RawClient.ReadUntilAsync(c, "hi", 1, Wait));
    }

    [Fact]
    public async Task TimedOutEvent_CollectsAgain_BytesThatComeLaterJoinTheHold()
    {
        await using var echo = Echo();
        var port = await L4(echo, "ctagain", """
            when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(4, { timeoutMs: 300 }));
            when('CLIENT_DATA', ctx => {
              if (ctx.tcp.timedOut && ctx.tcp.payload.length < 4) {
                ctx.vars.waited = true;
                ctx.tcp.respond('waiting\n');
                ctx.tcp.collect(4, { timeoutMs: 5000 });
                return;
              }
              ctx.tcp.payload = '[' + ctx.vars.waited + ':' + ctx.tcp.timedOut + ']' + ctx.tcp.payload;
              ctx.tcp.release();
            });
            """);
        using var c = await RawClient.ConnectAsync(port);

        await Send(c, "ab");
        Assert.Equal("waiting\n", await RawClient.ReadUntilAsync(c, "\n", 1, Wait));
        await Send(c, "cd");

        Assert.Equal("[true:false]abcd", await RawClient.ReadUntilAsync(c, "abcd", 1, Wait));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("3601")]
    public async Task CollectTimeout_OutOfRange_IsRefused(string value)
    {
        var r = await _f.Admin.Post("/api/v1/profiles/tcp", $$"""{"name":"{{N("tcp-bad")}}","collectTimeout":{{value}}}""");

        Assert.InRange(r.Code, 400, 422);
        Assert.Contains("collectTimeout", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectTimeoutMs_Invalid_IsARuleErrorNotAHang()
    {
        await using var echo = Echo();
        var port = await L4(echo, "ctbad", "when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(10, { timeoutMs: -5 }));\n" + Tag);
        using var c = await RawClient.ConnectAsync(port);

        var (text, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.Equal("", text);
        Assert.True(closed);
    }
}
