using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// <c>ctx.lb.member</c> to nodes outside every pool, <c>ctx.lb.hashKey</c> for <c>hashKey: rule</c> pools and
/// <c>ctx.persist.source</c> through the selector, in the live proxy: a real fulcrum, real backends (nodes listen on
/// their own loopback addresses, so no pool can hold them), real clients bound to chosen 127.0.0.x sources.
/// </summary>
public sealed class RuleBalancingProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>, IAsyncLifetime
{
    private readonly List<RawBackend> _nodes = [];

    public RuleBalancingProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>A keep-alive HTTP/1.1 responder on <paramref name="address"/> that names itself in X-Backend.</summary>
    private RawBackend Node(string name, string address)
    {
        var node = new RawBackend(async s =>
        {
            var buffer = new byte[8192];
            var pending = "";
            int n;
            while ((n = await s.ReceiveAsync(buffer)) > 0)
            {
                pending += Encoding.ASCII.GetString(buffer, 0, n);
                int end;
                while ((end = pending.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    pending = pending[(end + 4)..];
                    var body = "hello from " + name + "\n";
                    await s.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nX-Backend: {name}\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
                }
            }
        }, IPAddress.Parse(address));
        _nodes.Add(node);
        return node;
    }

    public new async Task DisposeAsync()
    {
        foreach (var n in _nodes)
        {
            await n.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    /// <summary>One request on its own connection from <paramref name="from"/>; the raw response.</summary>
    private static async Task<string> Once(int port, string path, string from = "127.0.0.1", string headers = "")
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await s.ConnectAsync(IPAddress.Loopback, port);
        await s.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: a\r\n{headers}Connection: close\r\n\r\n"));
        var (text, _) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(10));
        return text;
    }

    private static string? Field(string response, string name)
    {
        foreach (var line in response[..Math.Max(0, response.IndexOf("\r\n\r\n", StringComparison.Ordinal))].Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }
        return null;
    }

    private async Task<JsonElement[]> Records(string virtualName) =>
        [.. (await DataPlaneApi.Ok(_f.Admin.Get("/api/v1/persistence?virtual=" + virtualName))).Json.EnumerateArray()];

    [Fact]
    public async Task Node_HttpKeepAlive_AlternatesNodeAndPool_SelectedAndAccessLogNameIt()
    {
        var web = await Backend("web");
        var node = Node("node", "127.0.0.9");
        await Pool("web", web.Port);
        await Rule("node", $$"""
            when('HTTP_REQUEST', ctx => { if (ctx.http.path.startsWith('/node')) ctx.lb.member('127.0.0.9', {{node.Port}}); });
            when('HTTP_RESPONSE', ctx => { ctx.http.setHeader('x-selected', ctx.lb.selected); });
            """);
        var log = N("http-log");
        await _f.Admin.ProfileAsync("http", $$"""{"name":"{{log}}","accessLog":true,"accessLogFormat":"%f %b %s \"%r\""}""");
        var port = await Virtual("web", "node", profiles: $"\"tcp\",\"{log}\"");
        using var http = Client();
        var seen = new List<(string?, string?)>();
        foreach (var path in new[] { "/node", "/", "/node/x", "/" })
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port}{path}");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            seen.Add((Header(r, "X-Backend"), Header(r, "x-selected")));
        }
        var nodeSelected = $"- 127.0.0.9:{node.Port}";
        var webSelected = $"{N("web")} 127.0.0.1:{web.Port}";
        Assert.Equal([("node", nodeSelected), ("web", webSelected), ("node", nodeSelected), ("web", webSelected)], seen);
        Assert.Equal(2, web.Requests);

        var path2 = Path.Combine(_f.Appliance.DataDir, "logs", "access.log");
        var vs = N("vsnode");
        string[] lines = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            lines = File.Exists(path2) ? [.. File.ReadAllLines(path2).Where(l => l.StartsWith(vs + " ", StringComparison.Ordinal))] : [];
            if (lines.Length >= 4)
            {
                break;
            }
        }
        Assert.Equal(4, lines.Length);
        Assert.Equal($"{vs} - 127.0.0.9:{node.Port} \"GET /node HTTP/1.1\"", lines[0]);
        Assert.Equal($"{vs} {N("web")} 127.0.0.1:{web.Port} \"GET / HTTP/1.1\"", lines[1]);

        // The node is no pool: /api/v1/status lists configured pools only.
        var status = (await DataPlaneApi.Ok(_f.Admin.Get("/api/v1/status"))).Text;
        Assert.DoesNotContain("127.0.0.9", status);
    }

    [Fact]
    public async Task Node_OneConnect_IdleConnectionsAreReusedOnlyForTheSameNode()
    {
        var web = await Backend("web");
        var a = Node("node-a", "127.0.0.9");
        var b = Node("node-b", "127.0.0.10");
        await Pool("web", web.Port);
        await Rule("nodes", $$"""
            when('HTTP_REQUEST', ctx => {
              if (ctx.http.path === '/a') ctx.lb.member('127.0.0.9', {{a.Port}});
              else if (ctx.http.path === '/b') ctx.lb.member('127.0.0.10', {{b.Port}});
            });
            """);
        var port = await Virtual("web", "nodes", profiles: "\"tcp\",\"http\",\"oneconnect\"");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("node-a", Field(await Once(port, "/a"), "X-Backend"));
            Assert.Equal("node-b", Field(await Once(port, "/b"), "X-Backend"));
            Assert.Equal("web", Field(await Once(port, "/"), "X-Backend"));
        }
        Assert.Equal(1, a.Connections);
        Assert.Equal(1, b.Connections);
        Assert.Equal(1, web.Connections);
    }

    [Fact]
    public async Task Node_L4Virtual_TheConnectionGoesToTheNode()
    {
        var web = await Backend("web");
        var node = Node("node", "127.0.0.9");
        await Pool("web", web.Port);
        await Rule("l4node", $"when('CLIENT_ACCEPTED', ctx => ctx.lb.member('127.0.0.9', {node.Port}));");
        var port = await Virtual("web", "l4node", profiles: "\"tcp\"");
        using var s = await RawClient.ConnectAsync(port);
        await s.SendAsync("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
        var text = await RawClient.ReadUntilAsync(s, "hello from node", 2, TimeSpan.FromSeconds(5));
        Assert.Equal(2, RawClient.Occurrences(text, "hello from node"));
        Assert.Equal(0, web.Requests);
        Assert.Equal(1, node.Connections);
    }

    [Fact]
    public async Task Node_Ipv6Address_IsConnectedTo_AndNamedInBrackets()
    {
        var web = await Backend("web");
        var node = Node("node6", "::1");
        await Pool("web", web.Port);
        await Rule("node6", $$"""
            when('HTTP_REQUEST', ctx => ctx.lb.member('::1', {{node.Port}}));
            when('HTTP_RESPONSE', ctx => { ctx.http.setHeader('x-selected', ctx.lb.selected); });
            """);
        var port = await Virtual("web", "node6");
        var response = await Once(port, "/");
        Assert.Equal("node6", Field(response, "X-Backend"));
        Assert.Equal($"- [::1]:{node.Port}", Field(response, "x-selected"));
    }

    [Fact]
    public async Task Node_Refusing_LbFailedSendsToTheSorryPool_BadAddressOrPortIsARuleError()
    {
        var web = await Backend("web");
        var sorry = await Backend("sorry");
        using var dead = FreePort.Refusing(out var deadPort);
        await Pool("web", web.Port);
        await Pool("sorry", sorry.Port);
        await Rule("deadnode", Localize($$"""
            when('HTTP_REQUEST', ctx => {
              if (ctx.http.path === '/bad-address') ctx.lb.member('10.1', 80);
              else if (ctx.http.path === '/bad-port') ctx.lb.member('127.0.0.1', 70000);
              else if (ctx.http.path === '/v6') ctx.lb.member('[::1]', 80);
              else ctx.lb.member('127.0.0.1', {{deadPort}});
            });
            when('LB_FAILED', ctx => { ctx.req.failed = ctx.lb.selected; ctx.lb.pool('sorry'); });
            when('HTTP_RESPONSE', ctx => { if (ctx.req.failed) ctx.http.setHeader('x-failed', ctx.req.failed); });
            """, "sorry"));
        var port = await Virtual("web", "deadnode");
        using var http = Client();
        using (var r = await http.GetAsync($"http://127.0.0.1:{port}/"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("sorry", Header(r, "X-Backend"));
            Assert.Equal($"- 127.0.0.1:{deadPort}", Header(r, "x-failed"));
        }
        foreach (var bad in new[] { "/bad-address", "/bad-port", "/v6" })
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port}{bad}");
            Assert.True(r.StatusCode == HttpStatusCode.InternalServerError, bad + " " + r.StatusCode + " " + Header(r, "X-Backend"));
        }
        Assert.Equal(0, web.Requests);
    }

    [Fact]
    public async Task Node_ConnectTimeout_LbFailedSendsToTheSorryPool()
    {
        var sorry = await Backend("sorry");
        await Pool("web", sorry.Port);
        await Pool("sorry", sorry.Port);
        // A node that never completes a handshake: a listener that never accepts, its accept queue filled, drops SYNs.
        using var hole = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        hole.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.11"), 0));
        hole.Listen(1);
        var holePort = ((IPEndPoint)hole.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(c);
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                try
                {
                    await c.ConnectAsync(hole.LocalEndPoint!, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    break; // the queue is full: further handshakes hang
                }
            }
            var tcp = N("tcp-1s");
            await _f.Admin.ProfileAsync("tcp", $$"""{"name":"{{tcp}}","connectTimeout":1}""");
            await Rule("holenode", Localize($$"""
                when('HTTP_REQUEST', ctx => ctx.lb.member('127.0.0.11', {{holePort}}));
                when('LB_FAILED', ctx => { ctx.req.failed = ctx.lb.selected; ctx.lb.pool('sorry'); });
                when('HTTP_RESPONSE', ctx => { if (ctx.req.failed) ctx.http.setHeader('x-failed', ctx.req.failed); });
                """, "sorry"));
            var port = await Virtual("web", "holenode", profiles: $"\"{tcp}\",\"http\"");
            var started = DateTime.UtcNow;
            var response = await Once(port, "/");
            var took = DateTime.UtcNow - started;
            Assert.Equal("sorry", Field(response, "X-Backend"));
            Assert.Equal($"- 127.0.0.11:{holePort}", Field(response, "x-failed"));
            Assert.True(took >= TimeSpan.FromSeconds(0.9), "LB_FAILED came after the connect timeout, not at once: " + took);
        }
        finally
        {
            foreach (var c in fillers)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task HashKey_RulePool_SameKeySameMemberOnEveryConnection_KeysSpreadOverMembers()
    {
        var backends = new[] { await Backend("m0"), await Backend("m1"), await Backend("m2") };
        var members = string.Join(",", backends.Select(b => $$"""{"address":"127.0.0.1","port":{{b.Port}}}"""));
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/pools", $$"""{"name":"{{N("chash")}}","loadBalancingMode":"consistent-hash","hashKey":"rule","members":[{{members}}]}"""));
        await Rule("hk", "when('HTTP_REQUEST', ctx => { const u = ctx.http.header('x-user'); if (u) ctx.lb.hashKey('user:' + u); });");
        var port = await Virtual("chash", "hk");
        var byKey = new Dictionary<string, string>();
        for (var u = 0; u < 12; u++)
        {
            for (var i = 0; i < 3; i++)
            {
                var member = Field(await Once(port, "/", headers: $"X-User: u{u}\r\n"), "X-Backend")!;
                Assert.Equal(byKey.GetValueOrDefault("u" + u, member), member);
                byKey["u" + u] = member;
            }
        }
        Assert.True(byKey.Values.Distinct().Count() >= 2, "keys spread: " + string.Join(",", byKey));

        // Per request at L7: with OneConnect every request on one keep-alive connection goes where its own key says.
        var oc = await Virtual("chash", "hk", profiles: "\"tcp\",\"http\",\"oneconnect\"", name: "vshk-oc");
        using var http = Client();
        foreach (var (user, member) in byKey.Concat(byKey))
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{oc}/");
            req.Headers.Add("X-User", user);
            using var r = await http.SendAsync(req);
            Assert.Equal(member, Header(r, "X-Backend"));
        }
    }

    [Fact]
    public async Task PersistSource_WithoutAProfile_RuleSourceRecordSticks_ShowsInTheApi_DeleteClearsIt()
    {
        var a = await Backend("a");
        var b = await Backend("b");
        await Pool("rr", a.Port, b.Port);
        await Rule("src", "when('HTTP_REQUEST', ctx => { if (ctx.http.path !== '/free') ctx.persist.source(60000); });");
        var port = await Virtual("rr", "src");
        var vs = N("vssrc");
        var first = Field(await Once(port, "/", "127.0.0.4"), "X-Backend");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, Field(await Once(port, "/", "127.0.0.4"), "X-Backend"));
        }
        var records = await Records(vs);
        var record = Assert.Single(records);
        Assert.Equal("rule:source", record.GetProperty("profile").GetString());
        Assert.Equal("source-address", record.GetProperty("method").GetString());
        Assert.Equal("127.0.0.4", record.GetProperty("key").GetString());
        Assert.Equal(N("rr"), record.GetProperty("pool").GetString());
        Assert.Equal($"127.0.0.1:{(first == "a" ? a.Port : b.Port)}", record.GetProperty("member").GetString());
        var lifetime = record.GetProperty("expires").GetDateTimeOffset() - record.GetProperty("created").GetDateTimeOffset();
        Assert.InRange(lifetime.TotalSeconds, 59, 90);

        // Requests the rule does not persist are balanced (round robin takes turns) and leave the record alone.
        var free = new HashSet<string?>();
        for (var i = 0; i < 4; i++)
        {
            free.Add(Field(await Once(port, "/free", "127.0.0.4"), "X-Backend"));
        }
        Assert.Equal(2, free.Count);

        Assert.Equal(HttpStatusCode.NoContent, (await _f.Admin.Delete("/api/v1/persistence?virtual=" + vs)).Status);
        Assert.Empty(await Records(vs));
        await Once(port, "/", "127.0.0.4");
        Assert.Single(await Records(vs));
    }

    [Fact]
    public async Task PersistSource_WithTheVirtualsProfile_ItsMaskKeepsA24Together_TheRulesTimeoutApplies()
    {
        var a = await Backend("a");
        var b = await Backend("b");
        await Pool("rr", a.Port, b.Port);
        var profile = N("src24");
        await _f.Admin.ProfileAsync("persistence", $$"""{"name":"{{profile}}","method":"source-address","mask":"255.255.255.0","timeout":300}""");
        await Rule("src24", "when('HTTP_REQUEST', ctx => ctx.persist.source(45000));");
        var port = await Virtual("rr", "src24", extra: $",\"persistence\":\"{profile}\"");
        var vs = N("vssrc24");
        var first = Field(await Once(port, "/", "127.0.0.5"), "X-Backend");
        foreach (var from in new[] { "127.0.0.6", "127.0.0.7", "127.0.0.6", "127.0.0.5" })
        {
            Assert.Equal(first, Field(await Once(port, "/", from), "X-Backend"));
        }
        var record = Assert.Single(await Records(vs));
        Assert.Equal(profile, record.GetProperty("profile").GetString());
        Assert.Equal("127.0.0.0", record.GetProperty("key").GetString());
        var lifetime = record.GetProperty("expires").GetDateTimeOffset() - record.GetProperty("created").GetDateTimeOffset();
        Assert.InRange(lifetime.TotalSeconds, 44, 75);

        Assert.Equal(HttpStatusCode.NoContent, (await _f.Admin.Delete("/api/v1/persistence?virtual=" + vs)).Status);
        Assert.Empty(await Records(vs));
    }
    [Fact]
    public async Task PersistNone_TurnsOffTheVirtualsOwnPersistence_ForThatRequestOnly()
    {
        // Backends whose body is one known line, so a keep-alive response can be read to its end.
        var a = await Scripted("a", ctx => ctx.Response.WriteAsync("hello from a\n"));
        var b = await Scripted("b", ctx => ctx.Response.WriteAsync("hello from b\n"));
        await Pool("rr", a.Port, b.Port);
        var profile = N("srcnone");
        await _f.Admin.ProfileAsync("persistence", $$"""{"name":"{{profile}}","method":"source-address","timeout":300}""");
        await Rule("none", "when('HTTP_REQUEST', ctx => { if (ctx.http.path === '/nopersist') ctx.persist.none(); });");
        var port = await Virtual("rr", "none", extra: $",\"persistence\":\"{profile}\"");
        var vs = N("vsnone");

        // persist none: round robin takes turns, and the virtual's profile neither looks up nor records.
        var free = new HashSet<string?>();
        for (var i = 0; i < 4; i++)
        {
            free.Add(Field(await Once(port, "/nopersist", "127.0.0.8"), "X-Backend"));
        }
        Assert.Equal(2, free.Count);
        Assert.Empty(await Records(vs));

        // Other requests stick by the virtual's profile, and persist none leaves their record alone.
        var first = Field(await Once(port, "/", "127.0.0.8"), "X-Backend");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(first, Field(await Once(port, "/", "127.0.0.8"), "X-Backend"));
        }
        free.Clear();
        for (var i = 0; i < 4; i++)
        {
            free.Add(Field(await Once(port, "/nopersist", "127.0.0.8"), "X-Backend"));
        }
        Assert.Equal(2, free.Count);
        var record = Assert.Single(await Records(vs));
        Assert.Equal("127.0.0.8", record.GetProperty("key").GetString());
        Assert.Equal($"127.0.0.1:{(first == "a" ? a.Port : b.Port)}", record.GetProperty("member").GetString());

        // On one keep-alive connection the next request starts with the virtual's persistence again: it records.
        using (var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            s.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.9"), 0));
            await s.ConnectAsync(IPAddress.Loopback, port);
            await s.SendAsync(Encoding.ASCII.GetBytes("GET /nopersist HTTP/1.1\r\nHost: a\r\n\r\n"));
            await ReadOneResponse(s);
            Assert.DoesNotContain(await Records(vs), r => r.GetProperty("key").GetString() == "127.0.0.9");
            await s.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
            var (second, _) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(10));
            Assert.Contains("200 OK", second, StringComparison.Ordinal);
        }
        Assert.Contains(await Records(vs), r => r.GetProperty("key").GetString() == "127.0.0.9");

        Assert.Equal(HttpStatusCode.NoContent, (await _f.Admin.Delete("/api/v1/persistence?virtual=" + vs)).Status);
    }

    [Fact]
    public async Task PersistNone_L4_TurnsOffTheVirtualsPersistenceForThatConnection()
    {
        await using var a = new RawBackend(async s => { await s.SendAsync(Encoding.ASCII.GetBytes("a")); s.Shutdown(SocketShutdown.Send); });
        await using var b = new RawBackend(async s => { await s.SendAsync(Encoding.ASCII.GetBytes("b")); s.Shutdown(SocketShutdown.Send); });
        await Pool("rr4", a.Port, b.Port);
        var profile = N("srcnone4");
        await _f.Admin.ProfileAsync("persistence", $$"""{"name":"{{profile}}","method":"source-address","timeout":300}""");
        await Rule("none4", "when('CLIENT_ACCEPTED', ctx => { if (ctx.client.ip === '127.0.0.10') ctx.persist.none(); });");
        var port = await Virtual("rr4", "none4", profiles: "\"tcp\"", extra: $",\"persistence\":\"{profile}\"");
        var vs = N("vsnone4");

        async Task<string> Connect(string from)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
            await s.ConnectAsync(IPAddress.Loopback, port);
            var (text, _) = await RawClient.ReadToCloseAsync(s, TimeSpan.FromSeconds(10));
            return text;
        }

        var free = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            free.Add(await Connect("127.0.0.10"));
        }
        Assert.Equal(["a", "b"], free.Order());
        Assert.Empty(await Records(vs));

        var first = await Connect("127.0.0.11");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(first, await Connect("127.0.0.11"));
        }
        var record = Assert.Single(await Records(vs));
        Assert.Equal("127.0.0.11", record.GetProperty("key").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _f.Admin.Delete("/api/v1/persistence?virtual=" + vs)).Status);
    }

    /// <summary>Reads one response of the backends here (a body of one line) from a keep-alive connection.</summary>
    private static async Task ReadOneResponse(Socket s)
    {
        var buffer = new byte[8192];
        var text = "";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!(text.Contains("\r\n\r\n", StringComparison.Ordinal) && text.EndsWith('\n') && text.Contains("hello from ", StringComparison.Ordinal)))
        {
            var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(n > 0, "the connection closed before the response ended: " + text);
            text += Encoding.ASCII.GetString(buffer, 0, n);
        }
        Assert.Contains("200 OK", text, StringComparison.Ordinal);
    }
}
