using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Runtime;
using Fulcrum.Scripting.Testing;

namespace Fulcrum.Tests.Scripting;

/// <summary>Compiles a rule into a fresh runtime and opens sample connections on it.</summary>
internal sealed class RuleHarness
{
    public RuleHarness(string source, string name = "r")
    {
        Runtime = new RuleRuntime();
        Program = Runtime.Compile(name, source);
        Set = Runtime.CreateSet("vs1", [Program], DataGroupIndex.Provider([DataGroupIndex.Build("blocked", "string", new Dictionary<string, string> { ["/admin"] = "", ["/debug"] = "x" })]));
    }

    public RuleRuntime Runtime { get; }
    public RuleProgram Program { get; }
    public RuleSet Set { get; }

    public static RuleSample Http(string uri = "/", string host = "example.test", string ip = "10.1.2.3") => new()
    {
        Client = new SampleEndpoint { Ip = ip, Port = 5555 },
        Request = new SampleRequest { Uri = uri, Headers = new() { ["host"] = System.Text.Json.JsonSerializer.SerializeToElement(host) } },
    };

    public (SampleContext Context, RuleConnection Connection) Open(RuleSample? sample = null)
    {
        var ctx = new SampleContext(sample ?? Http());
        return (ctx, Set.Open(ctx));
    }

    /// <summary>Opens a connection and dispatches the events given, returning the last result.</summary>
    public (RuleDispatchResult Result, SampleContext Context, RuleConnection Connection) Run(RuleSample? sample, params Fulcrum.Scripting.Events.RuleEvent[] events)
    {
        var (ctx, conn) = Open(sample);
        RuleDispatchResult result = default;
        foreach (var e in events)
        {
            result = Set.Dispatch(conn, e);
            if (result.Status == RuleStatus.Error)
            {
                break;
            }
        }
        return (result, ctx, conn);
    }
}
