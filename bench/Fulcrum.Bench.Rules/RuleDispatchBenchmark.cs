using BenchmarkDotNet.Attributes;
using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;
using Fulcrum.Scripting.Testing;

namespace Fulcrum.Bench.Rules;

/// <summary>
/// Cost of one HTTP_REQUEST dispatch on a warm engine pool: the 10-line rule of JINT-NOTES (bench/rules/ten-line.js: read
/// the path, choose a pool, maybe redirect, read and set a header, compare the client address), against an empty handler (the floor).
/// The connection and its sample context are reused; each dispatch starts a new request scope as the proxy's would.
/// </summary>
[MemoryDiagnoser]
public class RuleDispatchBenchmark
{
    /// <summary>bench/rules/ten-line.js, the rule bench/run.sh also measures in the whole proxy.</summary>
    public static readonly string TenLineRule = ReadRule("ten-line.js");

    private RuleSet _rule = null!;
    private RuleSet _empty = null!;
    private RuleConnection _ruleConnection = null!;
    private RuleConnection _emptyConnection = null!;

    [GlobalSetup]
    public void Setup()
    {
        var runtime = new RuleRuntime();
        var groups = DataGroupIndex.Provider([]);
        _rule = runtime.CreateSet("bench", [runtime.Compile("ten-lines", TenLineRule)], groups);
        _empty = runtime.CreateSet("bench", [runtime.Compile("empty", "when('HTTP_REQUEST', ctx => {});")], groups);
        _ruleConnection = _rule.Open(Context());
        _emptyConnection = _empty.Open(Context());
    }

    private static string ReadRule(string name)
    {
        using var stream = typeof(RuleDispatchBenchmark).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // The client address is the one bench/run.sh's clients have, so the rule's header edit runs in both figures.
    private static SampleContext Context() => new(new RuleSample
    {
        Client = new SampleEndpoint { Ip = "127.0.0.1", Port = 5555 },
        Request = new SampleRequest
        {
            Uri = "/api/orders/42?x=1",
            Headers = new() { ["host"] = System.Text.Json.JsonSerializer.SerializeToElement("shop.test"), ["user-agent"] = System.Text.Json.JsonSerializer.SerializeToElement("bench/1.0") },
        },
    });

    [Benchmark(Baseline = true)]
    public RuleStatus EmptyHandler() => _empty.Dispatch(_emptyConnection, RuleEvent.HttpRequest).Status;

    [Benchmark]
    public RuleStatus TenLineRule_HttpRequest() => _rule.Dispatch(_ruleConnection, RuleEvent.HttpRequest).Status;

    [Benchmark]
    public RuleStatus NoHandler_Event() => _rule.Dispatch(_ruleConnection, RuleEvent.HttpResponseData).Status;
}
