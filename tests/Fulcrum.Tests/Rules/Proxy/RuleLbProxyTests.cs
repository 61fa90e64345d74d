using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>LB_SELECTED and LB_FAILED through the live proxy: on OneConnect reuse, and after a black-holed connect.</summary>
public sealed class RuleLbProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    public RuleLbProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>One keep-alive request; the response ends with the backend's "hello from NAME\n" body.</summary>
    private static async Task<string> Exchange(Socket s, string path)
    {
        await s.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"));
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (text.ToString() is var t && !(t.Contains("hello from ", StringComparison.Ordinal) && t.EndsWith('\n')))
        {
            var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(n > 0, "the proxy closed the client connection: " + t);
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static string? Field(string response, string name)
    {
        foreach (var line in response.Split("\r\n"))
        {
            if (line.StartsWith(name + ": ", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 2)..];
            }
        }
        return null;
    }

    [Fact]
    public async Task LbSelected_FiresOnOneConnectReuse_NewChoiceThereLeavesTheIdleConnectionPooled()
    {
        var a = await Backend("a");
        var b = await Backend("b");
        await Pool("p", a.Port);
        await Pool("q", b.Port);
        await Rule("sel", Localize("""
            when('LB_SELECTED', ctx => {
              ctx.req.sel = (ctx.req.sel ? ctx.req.sel + ';' : '') + ctx.lb.selected;
              if (ctx.http.query === 'other' && !ctx.req.moved) { ctx.req.moved = true; ctx.lb.pool('q'); }
              if (ctx.http.query === 'reselect' && !ctx.req.again) { ctx.req.again = true; ctx.lb.reselect(); }
            });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-sel', ctx.req.sel || 'none'); });
            """, "q"));
        var port = await Virtual("p", "sel", profiles: "\"tcp\",\"http\",\"oneconnect\"");
        var atA = $"{N("p")} 127.0.0.1:{a.Port}";
        var atB = $"{N("q")} 127.0.0.1:{b.Port}";

        using var s = await RawClient.ConnectAsync(port);
        var plain = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            plain.Add(Field(await Exchange(s, "/"), "x-sel"));
        }
        var connectionsBefore = a.Connections;
        var moved = await Exchange(s, "/?other");
        var back = await Exchange(s, "/");
        var reselected = await Exchange(s, "/?reselect");

        // Every request, reused connection or not, was picked and announced.
        Assert.All(plain, sel => Assert.Equal(atA, sel));
        Assert.Equal(1, connectionsBefore);
        // A new pool chosen in LB_SELECTED is honoured; the idle connection to A was not taken for it, and serves A again.
        Assert.Equal($"{atA};{atB}", Field(moved, "x-sel"));
        Assert.Equal("b", Field(moved, "X-Backend"));
        Assert.Equal(atA, Field(back, "x-sel"));
        Assert.Equal($"{atA};{atA}", Field(reselected, "x-sel"));
        Assert.Equal("a", Field(reselected, "X-Backend"));
        Assert.Equal(1, a.Connections);
        Assert.Equal(6, a.Requests);
    }

    [Fact]
    public async Task LbFailed_BlackHoledMember_FiresAfterConnectTimeout_SorryPoolServes()
    {
        const int ConnectTimeout = 2;
        var sorry = await Backend("sorry");
        using var hole = BlackHole.Open();
        await _f.Admin.PoolAsync(N("web"), [hole.Port]);
        await Pool("sorry", sorry.Port);
        await _f.Admin.ProfileAsync("tcp", $$"""{"name":"{{N("tcp-ct")}}","connectTimeout":{{ConnectTimeout}}}""");
        await Rule("failed", Localize("""
            when('LB_FAILED', ctx => { ctx.req.failed = ctx.lb.selected; ctx.lb.pool('sorry'); });
            when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-failed', ctx.req.failed || 'no'); });
            """, "sorry"));
        var port = await Virtual("web", "failed", profiles: $"\"{N("tcp-ct")}\",\"http\"");

        using var http = Client();
        var clock = Stopwatch.StartNew();
        using var r = await http.GetAsync($"http://127.0.0.1:{port}/");
        var elapsed = clock.Elapsed.TotalSeconds;

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("sorry", Header(r, "X-Backend"));
        Assert.Equal($"{N("web")} 127.0.0.1:{hole.Port}", Header(r, "x-failed"));
        // After the profile's timeout, not after the kernel's SYN retries (about two minutes); bounds generous for a shared box.
        Assert.InRange(elapsed, 0.8 * ConnectTimeout, ConnectTimeout + 3);
        Assert.True(hole.StillSilent(), "the black hole began answering SYNs; the test proved nothing");
    }

    /// <summary>
    /// A loopback port whose SYNs go unanswered (no RST): a listener with backlog 0 whose accept queue is full and never
    /// accepted; Linux then drops new SYNs. Checked by a probe connect that must not complete.
    /// </summary>
    private sealed class BlackHole : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = [];

        private BlackHole(Socket listener) => _listener = listener;

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public static BlackHole Open()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            var hole = new BlackHole(listener);
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                hole._fillers.Add(filler);
                if (!filler.ConnectAsync(listener.LocalEndPoint!).Wait(TimeSpan.FromMilliseconds(500)))
                {
                    return hole; // this SYN was dropped: the queue is full
                }
            }
            hole.Dispose();
            throw new InvalidOperationException("could not fill the accept queue of a backlog-0 listener");
        }

        public bool StillSilent()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            return !probe.ConnectAsync(_listener.LocalEndPoint!).Wait(TimeSpan.FromMilliseconds(300));
        }

        public void Dispose()
        {
            foreach (var f in _fillers)
            {
                f.Dispose();
            }
            _listener.Dispose();
        }
    }
}
