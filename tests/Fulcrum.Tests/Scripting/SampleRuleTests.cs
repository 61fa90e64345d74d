using Fulcrum.Scripting.Compilation;
using Fulcrum.Scripting.Testing;

namespace Fulcrum.Tests.Scripting;

/// <summary>The corpus: every sample in rules/*.js passes the save-time checks and every case of its .cases.json.</summary>
public sealed class SampleRuleTests
{
    public static string RulesDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Fulcrum.slnx")))
                {
                    return Path.Combine(dir.FullName, "rules");
                }
            }
            throw new DirectoryNotFoundException("the repository root (Fulcrum.slnx) is not above the test binaries");
        }
    }

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RulesDir, "*.js").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }
        return data;
    }

    [Fact]
    public void Corpus_HasAtLeastFifteenSamples() => Assert.True(Samples().Count >= 15);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_PassesChecksAndEveryCase(string file)
    {
        var path = Path.Combine(RulesDir, file);
        var source = File.ReadAllText(path);
        Assert.Empty(RuleCompiler.Check(source));
        var cases = RuleCases.Parse(File.ReadAllText(Path.ChangeExtension(path, ".cases.json")));
        Assert.NotEmpty(cases);

        var results = RuleCases.Run(Path.GetFileNameWithoutExtension(file), source, cases);

        var failed = results.Where(r => !r.Passed).Select(r => $"{r.Name}: {string.Join("; ", r.Failures)}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }
}
