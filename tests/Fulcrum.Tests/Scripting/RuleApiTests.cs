using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Scripting;

/// <summary>Save-time refusals and the test bench through the real appliance API.</summary>
public sealed class RuleApiTests(ApplianceFixture fixture) : IClassFixture<ApplianceFixture>
{
    private static string Rule(string name, string source) => JsonSerializer.Serialize(new { name, source });

    [Fact]
    public async Task SaveRule_SyntaxError_422WithLineAndColumn()
    {
        var r = await fixture.Admin.Post("/api/v1/rules", Rule("bad-syntax", "when('HTTP_REQUEST', ctx => {\n  let x = ;\n});"));

        Assert.Equal(422, r.Code);
        Assert.Contains("line 2, column 11", r.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("when('HTTP_REQUEST', ctx => {\n  const b = ctx.http.body;\n});", "line 2, column 13: ctx.http.body is not available in HTTP_REQUEST")]
    [InlineData("when('HTTP_REQUST', ctx => {});", "line 1, column 6: unknown event 'HTTP_REQUST'")]
    [InlineData("when('HTTP_REQUEST', ctx => { ctx.lb.pool('no-such-pool'); });", "line 1, column 43: pool 'no-such-pool' does not exist")]
    [InlineData("when('HTTP_REQUEST', ctx => { if (dataGroup('nope').match('x')) ctx.drop(); });", "data group 'nope' does not exist")]
    public async Task SaveRule_StaticProblem_422NamingIt(string source, string message)
    {
        var r = await fixture.Admin.Post("/api/v1/rules", Rule("bad-static", source));

        Assert.Equal(422, r.Code);
        Assert.Contains(message, r.Json.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpRule_OnVirtualWithoutHttpProfile_Refused()
    {
        Assert.Equal(201, (await fixture.Admin.Post("/api/v1/rules", Rule("needs-http", "when('HTTP_REQUEST', ctx => { ctx.http.setHeader('a', 'b'); });"))).Code);

        var r = await fixture.Admin.Post("/api/v1/virtuals", """{"name":"l4","destination":"127.0.0.1:18111","profiles":["tcp"],"rules":["needs-http"]}""");

        Assert.Equal(422, r.Code);
        Assert.Contains("virtuals/l4/rules/0", r.Text, StringComparison.Ordinal);
        Assert.Contains("needs an http profile", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerDataRule_OnHttpVirtual_Refused422WithLineColumnAndWhatToUseInstead()
    {
        Assert.Equal(201, (await fixture.Admin.Post("/api/v1/rules", Rule("banner-only", "when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });\nwhen('SERVER_DATA', ctx => { ctx.tcp.release(); });"))).Code);

        var r = await fixture.Admin.Post("/api/v1/virtuals", """{"name":"web-sd","destination":"127.0.0.1:18112","profiles":["tcp","http"],"rules":["banner-only"]}""");

        Assert.Equal(422, r.Code);
        var message = r.Json.GetProperty("errors")[0].GetProperty("message").GetString()!;
        Assert.Contains("line 2, column 6: the SERVER_DATA handler runs only on virtual servers without an http profile", message, StringComparison.Ordinal);
        Assert.Contains("use HTTP_RESPONSE / HTTP_RESPONSE_DATA", message, StringComparison.Ordinal);
        Assert.Contains("'web-sd' has one", message, StringComparison.Ordinal);
        // The same rule on an L4 virtual is fine; adding an http profile to it later is refused the same way.
        Assert.Equal(201, (await fixture.Admin.Post("/api/v1/virtuals", """{"name":"l4-sd","destination":"127.0.0.1:18113","profiles":["tcp"],"rules":["banner-only"]}""")).Code);
        var patch = await fixture.Admin.Patch("/api/v1/virtuals/l4-sd", """{"profiles":["tcp","http"]}""");
        Assert.Equal(422, patch.Code);
        Assert.Contains("virtuals/l4-sd/rules/0", patch.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleNeedingBothHttpAndServerData_RefusedWhenSaved()
    {
        var r = await fixture.Admin.Post("/api/v1/rules", Rule("both-kinds", "when('HTTP_REQUEST', ctx => {});\nwhen('SERVER_DATA', ctx => { ctx.tcp.release(); });"));

        Assert.Equal(422, r.Code);
        Assert.Contains("line 2, column 6: the SERVER_DATA handler runs only on virtual servers without an http profile, and the HTTP_REQUEST handler (line 1) only on those with one", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestBench_ServerMessages_HeldPerCollect_RespondGoesToTheServer()
    {
        var source = """
            when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });
            when('SERVER_DATA', ctx => {
              if (ctx.tcp.payload === 'AUTH?\r\n') { ctx.tcp.respond('AUTH s3cret\r\n'); ctx.tcp.payload = ''; ctx.tcp.release(); ctx.tcp.collect(1); return; }
              ctx.tcp.payload = ctx.tcp.payload.toUpperCase();
              ctx.tcp.release();
            });
            """;
        var body = JsonSerializer.Serialize(new { source, payload = "hi\r\n", serverMessages = new[] { "AUTH?\r\n", "welcome\r\n", "more\r\n" } });

        var r = await fixture.Admin.Post("/api/v1/rules/unsaved-sd/test", body);

        Assert.Equal(200, r.Code);
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("error").ValueKind);
        Assert.Equal(["SERVER_DATA", "SERVER_DATA"], r.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString()).Where(e => e == "SERVER_DATA"));
        Assert.Equal("WELCOME\r\nmore\r\n", r.Json.GetProperty("clientReceived").GetString());
        Assert.Equal("hi\r\nAUTH s3cret\r\n", r.Json.GetProperty("serverReceived").GetString());
    }

    [Fact]
    public async Task TestBench_DesignShape_ReturnsTrace()
    {
        await fixture.Admin.Post("/api/v1/pools", """{"name":"b","members":[{"address":"10.0.0.9","port":80}]}""");
        Assert.Equal(201, (await fixture.Admin.Post("/api/v1/rules", Rule("route-b", "when('HTTP_REQUEST', ctx => {\n  if (ctx.http.path.startsWith('/b/')) ctx.lb.pool('b');\n  log('info', 'routed ' + ctx.http.path);\n});"))).Code);

        var r = await fixture.Admin.Post("/api/v1/rules/route-b/test", """{"client":{"ip":"10.1.2.3","port":5555},"request":{"method":"GET","uri":"/b/1","headers":{"host":"x"},"body":""}}""");

        Assert.Equal(200, r.Code);
        var e = r.Json.GetProperty("events")[0];
        Assert.Equal("HTTP_REQUEST", e.GetProperty("event").GetString());
        var call = e.GetProperty("calls")[0];
        Assert.Equal("lb.pool", call.GetProperty("call").GetString());
        Assert.Equal("b", call.GetProperty("args")[0].GetString());
        Assert.Equal("routed /b/1", e.GetProperty("logs")[0].GetProperty("message").GetString());
        Assert.True(e.GetProperty("micros").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("error").ValueKind);
        Assert.Equal("b", r.Json.GetProperty("pool").GetString());
        Assert.Equal("10.0.0.9:80", r.Json.GetProperty("member").GetString());
    }

    [Fact]
    public async Task TestBench_SourceWithRuntimeError_ErrorWithLineColumnEvent()
    {
        var r = await fixture.Admin.Post("/api/v1/rules/unsaved/test", """{"request":{"uri":"/"},"source":"when('HTTP_REQUEST', ctx => {\n  const o = null;\n  o.x = 1;\n});"}""");

        Assert.Equal(200, r.Code);
        var error = r.Json.GetProperty("error");
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Equal("HTTP_REQUEST", error.GetProperty("event").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task TestBench_UnknownRuleWithoutSource_404()
    {
        var r = await fixture.Admin.Post("/api/v1/rules/missing/test", """{"request":{"uri":"/"}}""");

        Assert.Equal(404, r.Code);
        Assert.True(r.IsProblem);
    }

    [Fact]
    public async Task DnsRequestRule_OnStandardVirtual_Refused422()
    {
        Assert.Equal(201, (await fixture.Admin.Post("/api/v1/rules", Rule("dns-only", "when('DNS_REQUEST', ctx => { ctx.dns.drop(); });"))).Code);

        var r = await fixture.Admin.Post("/api/v1/virtuals", """{"name":"l4-dns","destination":"127.0.0.1:18113","profiles":["tcp"],"rules":["dns-only"]}""");

        Assert.Equal(422, r.Code);
        Assert.Contains("virtuals/l4-dns/rules/0", r.Text, StringComparison.Ordinal);
        Assert.Contains("the DNS_REQUEST handler runs only on dns virtual servers (type dns), and 'l4-dns' is of type standard", r.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conn-http", "when('HTTP_REQUEST', ctx => { ctx.http.setHeader('a', 'b'); });", "the HTTP_REQUEST handler runs only on virtual servers that take connections; a dns virtual server runs DNS_REQUEST only")]
    [InlineData("conn-l4", "when('CLIENT_ACCEPTED', ctx => { ctx.vars.a = 1; });", "the CLIENT_ACCEPTED handler runs only on virtual servers that take connections")]
    public async Task ConnectionRule_OnDnsVirtual_Refused422(string name, string source, string message)
    {
        Assert.Equal(201, (await fixture.Admin.Post("/api/v1/rules", Rule(name, source))).Code);

        // Every problem is listed: the missing wide IPs and the rule both.
        var r = await fixture.Admin.Post("/api/v1/virtuals", $$"""{"name":"dns-{{name}}","destination":"127.0.0.1:18114","type":"dns","profiles":[],"sourceAddressTranslation":"none","rules":["{{name}}"]}""");

        Assert.Equal(422, r.Code);
        Assert.Contains($"virtuals/dns-{name}/rules/0", r.Text, StringComparison.Ordinal);
        Assert.Contains(message, r.Text, StringComparison.Ordinal);
        Assert.Contains($"'dns-{name}' is of type dns", r.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("when('DNS_REQUEST', ctx => { ctx.lb.pool('a'); });", "ctx.lb is not available in DNS_REQUEST")]
    [InlineData("when('DNS_REQUEST', ctx => { ctx.tcp.close(); });", "ctx.tcp is not available in DNS_REQUEST")]
    [InlineData("when('HTTP_REQUEST', ctx => { ctx.dns.drop(); });", "ctx.dns is not available in HTTP_REQUEST; it may be used in: DNS_REQUEST")]
    [InlineData("when('DNS_REQUEST', ctx => { ctx.dns.answr('1.2.3.4'); });", "ctx.dns.answr does not exist")]
    [InlineData("when('DNS_REQUEST', ctx => {});\nwhen('HTTP_REQUEST', ctx => {});", "no virtual server can run this rule; make it two rules")]
    public async Task SaveRule_DnsMisuse_422NamingIt(string source, string message)
    {
        var r = await fixture.Admin.Post("/api/v1/rules", Rule("bad-dns", source));

        Assert.Equal(422, r.Code);
        Assert.Contains(message, r.Text, StringComparison.Ordinal);
    }
}
