using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// Header edits through the live proxy, several requests on one keep-alive connection: what the backend receives line
/// by line (untouched lines as the client sent them, an edit in place, removals, additions), and that nothing a rule
/// did to one request (headers, <c>ctx.req</c>) shows in the next.
/// </summary>
public sealed class RuleHeaderEditProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private const string EditRule = """
        when('HTTP_REQUEST', ctx => {
          if (ctx.http.path !== '/edit') return;
          ctx.req.edited = ctx.http.header('x-b');
          ctx.http.setHeader('x-b', 'new');
          ctx.http.removeHeader('x-gone');
          ctx.http.addHeader('x-added', '1');
          ctx.http.setHeader('X-Fresh', 'v');
        });
        when('HTTP_RESPONSE', ctx => {
          ctx.http.setHeader('x-seen-b', String(ctx.req.edited));
          if (ctx.req.edited !== undefined) ctx.http.addHeader('x-resp', 'edited');
        });
        """;

    public RuleHeaderEditProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    [Fact]
    public async Task SetRemoveAdd_KeepAlive_BackendSeesEditsInPlace_NextRequestUntouched()
    {
        await using var be = new RecordingHttpBackend();
        await Pool("p", be.Port);
        await Rule("edit", EditRule);
        var port = await Virtual("p", "edit", await ForwardingProfile());
        using var s = await RawClient.ConnectAsync(port);

        var first = await Exchange(s, "GET /edit HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-B: old1\r\nX-Gone: bye\r\nX-B: old2\r\nX-Keep:   spaced\tvalue \r\n\r\n");
        var second = await Exchange(s, "GET /plain HTTP/1.1\r\nHost: h\r\nX-B: two\r\n\r\n");
        var third = await Exchange(s, "GET /edit HTTP/1.1\r\nHost: h\r\nX-B: three\r\n\r\n");

        Assert.Equal(3, be.Requests.Count);
        Assert.Equal(1, be.Connections);
        var (r1, r2, r3) = (be.Requests.ElementAt(0), be.Requests.ElementAt(1), be.Requests.ElementAt(2));

        // In place: the first X-B's position, the other X-B and X-Gone gone, untouched lines byte for byte, additions last.
        var lines = r1.Split("\r\n");
        Assert.True(Array.IndexOf(lines, "X-A: 1") < Array.IndexOf(lines, "x-b: new"), r1);
        Assert.True(Array.IndexOf(lines, "x-b: new") < Array.IndexOf(lines, "X-Keep:   spaced\tvalue "), r1);
        Assert.DoesNotContain("old1", r1);
        Assert.DoesNotContain("old2", r1);
        Assert.DoesNotContain("X-Gone", r1, StringComparison.OrdinalIgnoreCase);
        Assert.Single(lines, l => l == "x-added: 1");
        Assert.Single(lines, l => l == "X-Fresh: v");
        Assert.Equal(lines.Length - 3, Array.IndexOf(lines, "X-Fresh: v")); // last field, then the empty line and the empty body
        Assert.Single(lines, l => l == "X-Forwarded-For: 127.0.0.1");
        Assert.Single(lines, l => l == "Via: 1.1 fulcrum");
        Assert.Contains("x-seen-b: old1\r\n", first);
        Assert.Contains("x-resp: edited\r\n", first);

        // The next request on the connection carries none of the first one's edits, and ctx.req starts empty.
        Assert.Contains("\r\nX-B: two\r\n", r2);
        Assert.DoesNotContain("x-added", r2);
        Assert.DoesNotContain("X-Fresh", r2);
        Assert.DoesNotContain("x-b: new", r2);
        Assert.Contains("x-seen-b: undefined\r\n", second);
        Assert.DoesNotContain("x-resp", second);

        // Edited again: each edit once, from this request's own fields.
        var lines3 = r3.Split("\r\n");
        Assert.Single(lines3, l => l.Equals("x-b: new", StringComparison.Ordinal));
        Assert.Single(lines3, l => l == "x-added: 1");
        Assert.DoesNotContain("three", r3);
        Assert.Contains("x-seen-b: three\r\n", third);
        Assert.Single(third.Split("\r\n"), l => l == "x-resp: edited");
        Assert.Single(lines3, l => l == "X-Forwarded-For: 127.0.0.1");
        foreach (var response in new[] { first, second, third })
        {
            Assert.Single(response.Split("\r\n"), l => l.StartsWith("Server:", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("\r\nServer: edge\r\n", response);
        }
    }

    [Fact]
    public async Task HeaderReads_SeeForwardedFieldsAndTheProxysOwn_CaseInsensitive()
    {
        await using var be = new RecordingHttpBackend();
        await Pool("p", be.Port);
        await Rule("read", """
            when('HTTP_REQUEST', ctx => {
              ctx.http.setHeader('x-got', [ctx.http.header('USER-agent'), ctx.http.header('x-forwarded-for'), ctx.http.header('connection'),
                ctx.http.headers('x-multi').join('|'), ctx.http.headerNames().filter(n => n.toLowerCase().startsWith('x-m')).join('|')].join(';'));
            });
            """);
        var port = await Virtual("p", "read", await ForwardingProfile());
        using var s = await RawClient.ConnectAsync(port);

        await Exchange(s, "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: ua/1\r\nConnection: keep-alive\r\nX-Multi: a\r\nx-multi: b\r\n\r\n");

        var r = Assert.Single(be.Requests);
        // Connection is hop-by-hop: not forwarded, so a rule does not see it either; X-Forwarded-For is the proxy's.
        Assert.True(r.Contains("\r\nx-got: ua/1;127.0.0.1;;a|b;X-Multi\r\n", StringComparison.Ordinal), r);
    }

    /// <summary>
    /// An absolute-form target whose authority differs from Host: the rule sees the authority as the host, and when it
    /// edits the fields the list it writes carries the authority's Host, never the client's (RFC 9112 §3.2.2).
    /// </summary>
    [Fact]
    public async Task AbsoluteFormTarget_RuleSeesTheAuthorityAsHost_EditedFieldsCarryIt()
    {
        await using var be = new RecordingHttpBackend();
        await Pool("p", be.Port);
        await Rule("abshost", """
            when('HTTP_REQUEST', ctx => {
              ctx.http.setHeader('x-rule-host', ctx.http.host + '|' + ctx.http.header('host'));
            });
            """);
        var port = await Virtual("p", "abshost");
        using var s = await RawClient.ConnectAsync(port);

        await Exchange(s, "GET http://good.example/a HTTP/1.1\r\nHost: evil.example\r\nUpgrade: h2c\r\nConnection: upgrade\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");

        var r = Assert.Single(be.Requests);
        Assert.Contains("\r\nx-rule-host: good.example|good.example\r\n", r, StringComparison.Ordinal);
        Assert.Contains("\r\nHost: good.example\r\n", r, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", r, StringComparison.Ordinal);
        Assert.DoesNotContain("h2c", r, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("HTTP2-Settings", r, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An http profile whose own fields (X-Forwarded-For, Via; Server in responses) join the lists a rule reads and edits.</summary>
    private async Task<string> ForwardingProfile()
    {
        await _f.Admin.ProfileAsync("http", $$"""{"name":"{{N("fwd")}}","insertXForwardedFor":true,"insertVia":true,"serverHeaderAction":"replace","serverHeaderValue":"edge"}""");
        return $"\"tcp\",\"{N("fwd")}\"";
    }

    private static async Task<string> Exchange(Socket s, string request)
    {
        await s.SendAsync(Encoding.Latin1.GetBytes(request));
        return await RawClient.ReadUntilAsync(s, "\r\n\r\nok", 1, TimeSpan.FromSeconds(10));
    }
}
