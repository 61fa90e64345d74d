using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Tests.Config;

public sealed class ConfigEditorTests
{
    private readonly ConfigEditor _editor = new(new ConfigValidator());

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private EditResult Apply(FulcrumConfig config, params ConfigChange[] changes) => _editor.Apply(config, changes);

    private static ConfigChange Create(string kind, string json) =>
        new(ChangeOp.Create, kind, Json(json).GetProperty("name").GetString()!, Json(json));

    [Fact]
    public void Create_PoolAndVirtual_BothStoredSorted()
    {
        var result = Apply(FulcrumConfig.Default,
            Create("pools", """{"name":"web","members":[{"address":"127.0.0.1","port":9001}]}"""),
            Create("pools", """{"name":"api"}"""),
            Create("virtuals", """{"name":"www","destination":"127.0.0.1:8000","pool":"web","profiles":["tcp","http"]}"""));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(["api", "web"], result.Config!.Pools.Select(p => p.Name));
        Assert.Equal("web", result.Config.Virtuals.Single().Pool);
        Assert.Equal("round-robin", result.Config.Pools[1].LoadBalancingMode);
    }

    [Fact]
    public void Validate_SeveralProblems_AllListedWithPaths()
    {
        var result = Apply(FulcrumConfig.Default,
            Create("pools", """{"name":"web","loadBalancingMode":"fastest-ever","monitors":["nope"],"members":[{"address":"10.0.0.999","port":70000}]}"""),
            Create("virtuals", """{"name":"a","destination":"127.0.0.1:80","pool":"missing"}"""),
            Create("virtuals", """{"name":"b","destination":"127.0.0.1:80","sourceAddressTranslation":"weird"}"""));

        Assert.False(result.Succeeded);
        var paths = result.Errors.Select(e => e.Path).ToHashSet();
        Assert.Contains("pools/web/loadBalancingMode", paths);
        Assert.Contains("pools/web/monitors/0", paths);
        Assert.Contains("pools/web/members/0/address", paths);
        Assert.Contains("pools/web/members/0/port", paths);
        Assert.Contains("virtuals/a/pool", paths);
        Assert.Contains("virtuals/b/destination", paths);
        Assert.Contains("virtuals/b/sourceAddressTranslation", paths);
        Assert.Contains(result.Errors, e => e.Message.Contains("virtual server 'a' already listens", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.1", false)]
    [InlineData("010.1.1.1", false)]
    [InlineData("1.2.3.4", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("[::1]", false)]
    [InlineData("[1.2.3.4]", false)]
    [InlineData("256.1.1.1", false)]
    [InlineData("", false)]
    public void AddressSyntax_IsStrict(string text, bool valid) => Assert.Equal(valid, AddressSyntax.IsIp(text));

    [Theory]
    [InlineData("127.0.0.1:80", true)]
    [InlineData("[::1]:443", true)]
    [InlineData("::1:443", false)]
    [InlineData("[[::1]]:443", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.1:0", false)]
    [InlineData("127.0.0.1:65536", false)]
    [InlineData("127.0.0.1:+80", false)]
    public void Destination_ParsesOnlyIpColonPort(string text, bool valid) => Assert.Equal(valid, AddressSyntax.TryParseEndpoint(text, out _));

    [Fact]
    public void Validate_BracketedMemberAddress_IsRefusedWithTheAddressError()
    {
        var result = Apply(FulcrumConfig.Default,
            Create("pools", """{"name":"web","members":[{"address":"[::1]","port":8080}]}"""));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Path == "pools/web/members/0/address" && e.Message == "'[::1]' is not an IPv4 or IPv6 address");
    }

    [Fact]
    public void Delete_ReferencedPool_InUseNamesTheReferrer()
    {
        var config = Apply(FulcrumConfig.Default,
            Create("pools", """{"name":"web"}"""),
            Create("virtuals", """{"name":"www","destination":"127.0.0.1:8000","pool":"web"}""")).Config!;

        var result = Apply(config, new ConfigChange(ChangeOp.Delete, "pools", "web"));

        Assert.Equal(EditFailure.InUse, result.Failure);
        Assert.Contains("virtual server 'www'", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_ReferrerAndReferencedTogether_Succeeds()
    {
        var config = Apply(FulcrumConfig.Default,
            Create("pools", """{"name":"web"}"""),
            Create("virtuals", """{"name":"www","destination":"127.0.0.1:8000","pool":"web"}""")).Config!;

        var result = Apply(config, new ConfigChange(ChangeOp.Delete, "virtuals", "www"), new ConfigChange(ChangeOp.Delete, "pools", "web"));

        Assert.True(result.Succeeded);
        Assert.Empty(result.Config!.Pools);
    }

    [Fact]
    public void Patch_MergesFieldsAndNullRestoresDefault()
    {
        var config = Apply(FulcrumConfig.Default, Create("pools", """{"name":"web","loadBalancingMode":"ratio","slowRampTime":30}""")).Config!;

        var result = Apply(config, new ConfigChange(ChangeOp.Patch, "pools", "web", Json("""{"slowRampTime":null,"minActiveMembers":2}""")));

        Assert.True(result.Succeeded);
        var pool = result.Config!.Pools.Single();
        Assert.Equal("ratio", pool.LoadBalancingMode);
        Assert.Equal(0, pool.SlowRampTime);
        Assert.Equal(2, pool.MinActiveMembers);
    }

    [Theory]
    [InlineData("""{"name":"web","bogus":1}""")]
    [InlineData("""{"name":"web","slowRampTime":"ten"}""")]
    [InlineData("""{"name":"web","members":[{"port":80}]}""")]
    [InlineData("""{"name":null}""")]
    public void Create_BadBody_RefusedAsBadBody(string json)
    {
        var result = Apply(FulcrumConfig.Default, new ConfigChange(ChangeOp.Create, "pools", "web", Json(json)));

        Assert.Equal(EditFailure.BadBody, result.Failure);
        Assert.DoesNotContain("Fulcrum.Appliance", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("sp ace")]
    public void Create_BadName_Refused(string name)
    {
        var result = Apply(FulcrumConfig.Default, new ConfigChange(ChangeOp.Create, "pools", name, Json($$"""{"name":{{JsonSerializer.Serialize(name)}}}""")));

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Create_TenKilobyteName_RefusedWithoutEchoingIt()
    {
        var name = new string('a', 10_000);
        var result = Apply(FulcrumConfig.Default, new ConfigChange(ChangeOp.Create, "pools", name, Json($$"""{"name":"{{name}}"}""")));

        Assert.False(result.Succeeded);
        Assert.True(result.Errors[0].Message.Length < 200);
    }

    [Fact]
    public void BuiltIns_CannotBeChangedOrDeleted()
    {
        var delete = Apply(FulcrumConfig.Default, new ConfigChange(ChangeOp.Delete, "profiles/http", "http"));
        var patch = Apply(FulcrumConfig.Default, new ConfigChange(ChangeOp.Patch, "monitors", "tcp", Json("""{"interval":1}""")));

        Assert.Equal(EditFailure.BuiltIn, delete.Failure);
        Assert.Equal(EditFailure.BuiltIn, patch.Failure);
    }

    [Fact]
    public void Rule_SyntaxError_RefusedWithLineAndColumn()
    {
        var result = Apply(FulcrumConfig.Default, Create("rules", """{"name":"r","source":"when('HTTP_REQUEST', ctx => {\n  ctx.lb.pool('a'\n});"}"""));

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("rules/r/source", error.Path);
        Assert.StartsWith("line 3, column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profiles_NamesUniqueAcrossKinds()
    {
        var result = Apply(FulcrumConfig.Default, Create("profiles/http", """{"name":"tcp"}"""));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Message.Contains("unique across kinds", StringComparison.Ordinal));
    }

    [Fact]
    public void Virtual_OnManagementEndpoint_Refused()
    {
        var editor = new ConfigEditor(new ConfigValidator([System.Net.IPEndPoint.Parse("127.0.0.1:8080")]));

        var result = editor.Apply(FulcrumConfig.Default, [Create("virtuals", """{"name":"v","destination":"127.0.0.1:8080"}""")]);

        Assert.Contains(result.Errors, e => e.Message.Contains("management", StringComparison.Ordinal));
    }
}
