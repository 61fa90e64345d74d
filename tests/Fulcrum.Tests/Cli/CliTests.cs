using System.Net;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Cli;

/// <summary>The executable's verbs, run as an operator runs them.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task UserAdd_ThenLoginThroughApi_WhileApplianceRuns()
    {
        await using var appliance = await ApplianceProcess.StartAsync(_dir.Path);

        var add = await FulcrumCli.RunAsync("Cli-Operator-1", "user", "add", "cliop", "--role", "operator", "--password-stdin", "--data", _dir.Path);

        Assert.True(add.ExitCode == 0, add.Err);
        Assert.Contains("added with role operator", add.Out, StringComparison.Ordinal);
        using var op = appliance.Client("cliop", "Cli-Operator-1");
        Assert.Equal(HttpStatusCode.OK, (await op.Get("/api/v1/pools")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.Post("/api/v1/monitors", """{"name":"m","type":"tcp"}""")).Status);

        var passwd = await FulcrumCli.RunAsync("Cli-Operator-2", "user", "passwd", "cliop", "--password-stdin", "--data", _dir.Path);
        Assert.Equal(0, passwd.ExitCode);
        using var newPassword = appliance.Client("cliop", "Cli-Operator-2");
        Assert.Equal(HttpStatusCode.OK, (await newPassword.Get("/api/v1/pools")).Status);
    }

    [Fact]
    public async Task UserAdd_ShortPasswordOrBadRole_RefusedWithReason()
    {
        var shortPassword = await FulcrumCli.RunAsync("short", "user", "add", "x1", "--role", "admin", "--password-stdin", "--data", _dir.Path);
        var badRole = await FulcrumCli.RunAsync("Long-Enough-1", "user", "add", "x2", "--role", "king", "--password-stdin", "--data", _dir.Path);

        Assert.Equal(1, shortPassword.ExitCode);
        Assert.Contains("password", shortPassword.Err, StringComparison.Ordinal);
        Assert.Equal(1, badRole.ExitCode);
        Assert.Contains("role", badRole.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_StoredConfig_Valid()
    {
        await using (var appliance = await ApplianceProcess.StartAsync(_dir.Path))
        {
            using var api = appliance.Client();
            await api.Post("/api/v1/pools", """{"name":"web","members":[{"address":"10.0.0.1","port":80}]}""");
        }

        var r = await FulcrumCli.RunAsync(null, "config", "validate", "--data", _dir.Path);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("generation 2: valid", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigValidate_File_ListsEveryProblem()
    {
        var file = Path.Combine(_dir.Path, "config.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            pools = new[] { new { name = "web", loadBalancingMode = "psychic", members = new[] { new { address = "10.0.0.1", port = 0 } } } },
            virtuals = new[] { new { name = "www", destination = "127.0.0.1:80", pool = "nope" } },
        }));

        var r = await FulcrumCli.RunAsync(null, "config", "validate", "--file", file);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("pools/web/loadBalancingMode", r.Out, StringComparison.Ordinal);
        Assert.Contains("pools/web/members/0/port", r.Out, StringComparison.Ordinal);
        Assert.Contains("virtuals/www/pool", r.Out, StringComparison.Ordinal);
        Assert.Contains("problem(s)", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadMgmtAddress_ClearErrorAndExit2()
    {
        var r = await FulcrumCli.RunAsync(null, "run", "--data", _dir.Path, "--mgmt", "localhost");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not IP:PORT", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstStart_WithoutEnvPassword_PrintsGeneratedPasswordOnce()
    {
        await using (var first = await ApplianceProcess.StartAsync(_dir.Path, adminPassword: null))
        {
            var line = first.Output.Split('\n').Single(l => l.Contains("created with password:", StringComparison.Ordinal));
            var password = line[(line.LastIndexOf(':') + 1)..].Trim();
            using var admin = first.Client("admin", password);
            Assert.Equal(HttpStatusCode.OK, (await admin.Get("/api/v1/pools")).Status);
        }
        await using var second = await ApplianceProcess.StartAsync(_dir.Path, adminPassword: null);
        Assert.DoesNotContain("created with password", second.Output, StringComparison.Ordinal);
    }
}
