using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Scripting;

/// <summary><c>fulcrum rule check|test</c> through the real executable.</summary>
public sealed class RuleCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Check_BadRule_LineAndColumn_Exit1()
    {
        var file = Write("bad.js", "when('HTTP_REQUEST', ctx => {\n  ctx.http.body;\n});");

        var r = await FulcrumCli.RunAsync(null, "rule", "check", file);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("bad.js:2:3: ctx.http.body is not available in HTTP_REQUEST", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_GoodRule_Exit0()
    {
        var r = await FulcrumCli.RunAsync(null, "rule", "check", Path.Combine(SampleRuleTests.RulesDir, "maintenance-page.js"));

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("events: HTTP_REQUEST", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_Request_PrintsTrace()
    {
        var sample = Write("req.json", """{"request":{"uri":"/api/x"}}""");

        var r = await FulcrumCli.RunAsync(null, "rule", "test", Path.Combine(SampleRuleTests.RulesDir, "pool-by-uri-prefix.js"), "--request", sample);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"call\": \"lb.pool\"", r.Out, StringComparison.Ordinal);
        Assert.Contains("\"pool\": \"api\"", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_Cases_PassAndFailPerCase_ExitCode()
    {
        var rule = Write("r.js", "when('HTTP_REQUEST', ctx => { if (ctx.http.path === '/old') ctx.http.redirect('/new', 301); });");
        var good = Write("good.json", """[{"name":"moves","request":{"uri":"/old"},"expect":{"status":301,"responseHeaders":{"location":"/new"}}}]""");
        var bad = Write("bad.json", """[{"name":"moves","request":{"uri":"/old"},"expect":{"status":301}},{"name":"wrong","request":{"uri":"/x"},"expect":{"status":404}}]""");

        var pass = await FulcrumCli.RunAsync(null, "rule", "test", rule, "--cases", good);
        var fail = await FulcrumCli.RunAsync(null, "rule", "test", rule, "--cases", bad);

        Assert.Equal(0, pass.ExitCode);
        Assert.Contains("PASS moves", pass.Out, StringComparison.Ordinal);
        Assert.Equal(1, fail.ExitCode);
        Assert.Contains("PASS moves", fail.Out, StringComparison.Ordinal);
        Assert.Contains("FAIL wrong", fail.Out, StringComparison.Ordinal);
        Assert.Contains("status: expected 404, got 200", fail.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_EverySample_WithItsCasesFile_Exit0()
    {
        foreach (var js in Directory.GetFiles(SampleRuleTests.RulesDir, "*.js").Take(3))
        {
            var r = await FulcrumCli.RunAsync(null, "rule", "test", js, "--cases", Path.ChangeExtension(js, ".cases.json"));
            Assert.True(r.ExitCode == 0, $"{js}: {r.Out}{r.Err}");
        }
    }
}
