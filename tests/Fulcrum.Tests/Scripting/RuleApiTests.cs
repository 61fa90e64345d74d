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
}
