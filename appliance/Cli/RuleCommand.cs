using System.CommandLine;
using System.Text.Json;
using Fulcrum.Scripting.Compilation;
using Fulcrum.Scripting.Testing;

namespace Fulcrum.Appliance.Cli;

/// <summary>
/// <c>fulcrum rule check FILE</c> (the save-time checks, with line and column), <c>fulcrum rule test FILE --request
/// SAMPLE.json</c> (prints the trace) and <c>fulcrum rule test FILE --cases CASES.json</c> (pass/fail per case; exit 1
/// on any failure). Runs the rule engine in this process; no appliance needed.
/// </summary>
internal static class RuleCommand
{
    private static readonly JsonSerializerOptions Indented = new(RuleTrace.Json) { WriteIndented = true };

    public static Command Create()
    {
        var rule = new Command("rule", "Rule commands");
        rule.Subcommands.Add(Check());
        rule.Subcommands.Add(Test());
        return rule;
    }

    private static Command Check()
    {
        var file = new Argument<FileInfo>("file") { Description = "Rule source (.js)" };
        var command = new Command("check", "Check a rule as the appliance does when it is saved") { file };
        command.SetAction(r => Run(() =>
        {
            var f = r.GetValue(file)!;
            var analysis = RuleCompiler.Analyze(File.ReadAllText(f.FullName));
            foreach (var d in analysis.Diagnostics)
            {
                Console.WriteLine($"{f.Name}:{d.Line}:{d.Column}: {d.Message}");
            }
            if (!analysis.Succeeded)
            {
                return 1;
            }
            Console.WriteLine($"{f.Name}: ok; events: {string.Join(", ", analysis.Events.Select(Fulcrum.Scripting.Events.RuleEvents.Name))}"
                + (analysis.Pools.Count > 0 ? $"; pools: {string.Join(", ", analysis.Pools.Select(p => p.Name).Distinct())}" : "")
                + (analysis.DataGroups.Count > 0 ? $"; data groups: {string.Join(", ", analysis.DataGroups.Select(p => p.Name).Distinct())}" : "")
                + (analysis.DnsUse is not null ? "; runs on dns virtual servers only" : analysis.HttpUse is not null ? "; needs an http profile" : analysis.L4Use is not null ? "; runs on L4 virtual servers only" : "; runs on L4 virtual servers"));
            return 0;
        }));
        return command;
    }

    private static Command Test()
    {
        var file = new Argument<FileInfo>("file") { Description = "Rule source (.js)" };
        var request = new Option<FileInfo?>("--request") { Description = "A sample (JSON, as POST /api/v1/rules/{name}/test takes); prints the trace" };
        var cases = new Option<FileInfo?>("--cases") { Description = "Cases (JSON list of samples with 'expect'); prints pass/fail per case" };
        var command = new Command("test", "Run a rule on a sample request, or on a file of cases") { file, request, cases };
        command.SetAction(r => Run(() =>
        {
            var f = r.GetValue(file)!;
            var source = File.ReadAllText(f.FullName);
            var name = Path.GetFileNameWithoutExtension(f.Name);
            if (r.GetValue(request) is { } req)
            {
                var sample = JsonSerializer.Deserialize<RuleSample>(File.ReadAllText(req.FullName), RuleSample.Json) ?? throw new JsonException("the sample is null");
                var trace = RuleTestBench.Run(name, source, sample);
                Console.WriteLine(JsonSerializer.Serialize(trace, Indented));
                return trace.Error is null ? 0 : 1;
            }
            var casesFile = r.GetValue(cases) ?? new FileInfo(Path.ChangeExtension(f.FullName, ".cases.json"));
            if (!casesFile.Exists)
            {
                Console.Error.WriteLine($"fulcrum: give --request SAMPLE.json or --cases CASES.json ({casesFile.Name} does not exist)");
                return 2;
            }
            var results = RuleCases.Run(name, source, RuleCases.Parse(File.ReadAllText(casesFile.FullName)));
            foreach (var result in results)
            {
                Console.WriteLine($"{(result.Passed ? "PASS" : "FAIL")} {result.Name}");
                foreach (var failure in result.Failures)
                {
                    Console.WriteLine($"     {failure}");
                }
            }
            var failed = results.Count(x => !x.Passed);
            Console.WriteLine($"{results.Count - failed} passed, {failed} failed");
            return failed == 0 && results.Count > 0 ? 0 : 1;
        }));
        return command;
    }

    private static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            Console.Error.WriteLine($"fulcrum: {ex.Message}");
            return 2;
        }
    }
}
