using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// <c>ctx.tcp.release(n)</c> (iRules <c>TCP::release n</c>) in the live L4 proxy: a length-prefixed protocol (two
/// decimal digits, then that many bytes) whose frames arrive several to a read; the rule lets one frame go at a time
/// and tags it, the rest stays held for the next data event. Real fulcrum, raw-socket backends and clients.
/// </summary>
public sealed class TcpPartialReleaseProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // One frame per event: wait for the header, then the whole frame; tag it and release just it; the rest (more
    // frames, or the start of one) stays held and the event runs again on it.
    private const string Framing = """
        function frame(ctx) {
          const p = ctx.tcp.payload;
          const len = parseInt(p.slice(0, 2), 10);
          if (p.length < 2 + len) { ctx.tcp.collect(2 + len); return; }
          ctx.vars.n = (ctx.vars.n || 0) + 1;
          const tagged = '[' + ctx.vars.n + ']' + p.slice(2, 2 + len) + '\n';
          ctx.tcp.payload = tagged + p.slice(2 + len);
          ctx.tcp.release(tagged.length);
          ctx.tcp.collect(2);
        }
        """;

    public TcpPartialReleaseProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>Echoes every byte until the client's FIN, then closes.</summary>
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

    [Fact]
    public async Task ClientFrames_SeveralInOneRead_ReleasedOneAtATime_PartialFrameWaitsForTheRest()
    {
        await using var echo = Echo();
        var port = await L4(echo, "cframes", Framing + """
            when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(2));
            when('CLIENT_DATA', frame);
            """);

        using var c = await RawClient.ConnectAsync(port);
        // Two whole frames and the start of a third in one send: the hold from CLIENT_ACCEPTED picks the member on
        // the first frame, and the rest goes on in the connection's client direction.
        await Send(c, "05HELLO03BYE07PAR");
        var two = await RawClient.ReadUntilAsync(c, "\n", 2, Wait);
        Assert.Equal("[1]HELLO\n[2]BYE\n", two);

        // The rule has seen the third frame's start (its third run: HELLO, BYE, then "07PAR" held for 9 bytes) before
        // the rest is sent. Had any of it been let go early, the echo would put it before "[3]" below.
        await EventRan("cframes", "CLIENT_DATA", 3);
        await Send(c, "TIAL02OK");
        var more = await RawClient.ReadUntilAsync(c, "\n", 2, Wait);
        c.Shutdown(SocketShutdown.Send);
        var (rest, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.Equal("[3]PARTIAL\n[4]OK\n", more);
        Assert.Equal("", rest);
        Assert.True(closed);
    }

    [Fact]
    public async Task ServerFrames_ReleasedOneAtATime_FramesBeforeTheServersFinAllArrive()
    {
        await using var be = new RawBackend(async s =>
        {
            await Send(s, "03one03two05three");
            await Task.Delay(100);
            await Send(s, "04four");
            s.Shutdown(SocketShutdown.Send); // FIN with frames still held: they are still released one by one
        });
        var port = await L4(be, "sframes", Framing + """
            when('SERVER_CONNECTED', ctx => ctx.tcp.collect(2));
            when('SERVER_DATA', frame);
            """);

        using var c = await RawClient.ConnectAsync(port);
        var (text, closed) = await RawClient.ReadToCloseAsync(c, Wait);

        Assert.Equal("[1]one\n[2]two\n[3]three\n[4]four\n", text);
        Assert.True(closed);
    }

    [Fact]
    public async Task ReleaseOfMoreThanIsHeld_IsARuleError_ResetsOnlyThatConnection()
    {
        await using var echo = Echo();
        var port = await L4(echo, "toomuch", """
            when('CLIENT_ACCEPTED', ctx => ctx.tcp.collect(2));
            when('CLIENT_DATA', ctx => {
              if (ctx.tcp.payload.startsWith('bad')) ctx.tcp.release(ctx.tcp.payload.length + 1);
              else if (ctx.tcp.payload.startsWith('neg')) ctx.tcp.release(-1);
              else if (ctx.tcp.payload.startsWith('half')) ctx.tcp.release(1.5);
              else ctx.tcp.release(2);
            });
            """);

        foreach (var bad in new[] { "bad!", "neg!", "half" })
        {
            using var b = await RawClient.ConnectAsync(port);
            await Send(b, bad);
            var (text, closed) = await RawClient.ReadToCloseAsync(b, Wait);
            Assert.Equal("", text);
            Assert.True(closed);
        }

        // release(2) of "ok" is all of it (the plain release), and the direction streams after it.
        using var c = await RawClient.ConnectAsync(port);
        await Send(c, "ok");
        Assert.Equal("ok", await RawClient.ReadUntilAsync(c, "ok", 1, Wait));
        await Send(c, " and more");
        Assert.Equal(" and more", await RawClient.ReadUntilAsync(c, "more", 1, Wait));
    }
}
