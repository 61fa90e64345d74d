using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Fulcrum.Tests.Scripting;
using Microsoft.AspNetCore.Http;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// What rule tests through the live proxy share: backends stopped after each test, and object names suffixed per test
/// class instance (rule sources name pools and data groups literally, so they are rewritten the same way).
/// </summary>
public abstract class RuleProxyTestBase : IAsyncLifetime
{
    protected readonly ApplianceFixture _f;
    private readonly List<IAsyncDisposable> _backends = [];
    protected readonly string _id = Guid.NewGuid().ToString("N")[..6];

    protected RuleProxyTestBase(ApplianceFixture f) => _f = f;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var b in _backends)
        {
            await b.DisposeAsync();
        }
    }

    protected async Task<KestrelBackend> Backend(string name)
    {
        var b = await KestrelBackend.StartAsync(name);
        _backends.Add(b);
        return b;
    }

    protected async Task<ScriptedBackend> Scripted(string name, Func<HttpContext, Task> handler)
    {
        var b = await ScriptedBackend.StartAsync(name, handler);
        _backends.Add(b);
        return b;
    }

    protected string N(string name) => name + "-" + _id;

    protected async Task Pool(string name, params int[] ports) => await _f.Admin.PoolAsync(N(name), ports);

    protected async Task Rule(string name, string source) =>
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = N(name), source })));

    protected static string Sample(string file) => File.ReadAllText(Path.Combine(SampleRuleTests.RulesDir, file));

    protected string Localize(string source, params string[] names)
    {
        foreach (var n in names)
        {
            source = source.Replace("'" + n + "'", "'" + N(n) + "'", StringComparison.Ordinal);
        }
        return source;
    }

    protected async Task DataGroup(string name, string type, Dictionary<string, string> records) =>
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/datagroups", JsonSerializer.Serialize(new { name = N(name), type, records })));

    protected async Task<int> Virtual(string pool, string rule, string profiles = "\"tcp\",\"http\"", string extra = "", string? name = null) =>
        await _f.Admin.VirtualAsync(N(name ?? "vs" + rule), N(pool), profiles, $",\"rules\":[\"{N(rule)}\"]{extra}");

    /// <summary>An L4 virtual (tcp profile only) with <paramref name="rule"/>, to a pool of <paramref name="backend"/>.</summary>
    protected async Task<int> L4(RawBackend backend, string rule, string source)
    {
        await Pool("p" + rule, backend.Port);
        await Rule(rule, source);
        return await Virtual("p" + rule, rule, profiles: "\"tcp\"");
    }

    /// <summary>How many times the rule's handler for <paramref name="evt"/> has run (<c>/metrics</c>).</summary>
    protected async Task<long> EventExecutions(string rule, string evt)
    {
        var metrics = (await _f.Admin.Get("/metrics")).Text;
        var m = Regex.Match(metrics, "fulcrum_rule_event_executions_total\\{rule=\"" + Regex.Escape(N(rule)) + "\",event=\"" + evt + "\"\\} (\\d+)");
        return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Waits (up to 10 s) until the rule's handler for <paramref name="evt"/> has run <paramref name="count"/> times.</summary>
    protected async Task EventRan(string rule, string evt, long count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long n;
        while ((n = await EventExecutions(rule, evt)) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{evt} of '{rule}' ran {n} times, not {count}, within 10 s");
            await Task.Delay(20);
        }
    }

    protected static Task<int> Send(System.Net.Sockets.Socket s, string text) => s.SendAsync(System.Text.Encoding.Latin1.GetBytes(text));

    protected static HttpClient Client() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(20) };

    protected static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? v.First() : r.Content.Headers.TryGetValues(name, out var c) ? c.First() : null;
}
