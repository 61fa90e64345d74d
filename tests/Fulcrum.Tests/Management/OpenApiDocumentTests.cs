using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.Infrastructure;
using Fulcrum.Tests.Scripting;

namespace Fulcrum.Tests.Management;

/// <summary>
/// webui/openapi.json is a checked copy of the document the real appliance serves at /openapi/v1.json. The console's
/// TypeScript types are generated from it (webui/scripts/openapi-types.mjs), so a renamed field or value fails the
/// console's build once the copy is updated, and this test fails until it is.
/// </summary>
public sealed class OpenApiDocumentTests : IClassFixture<ApplianceFixture>
{
    private const string UpdateVariable = "FULCRUM_UPDATE_OPENAPI";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ApplianceFixture _f;

    public OpenApiDocumentTests(ApplianceFixture f)
    {
        _f = f;
    }

    private static string CheckedCopyPath => Path.Combine(Path.GetDirectoryName(SampleRuleTests.RulesDir)!, "webui", "openapi.json");

    /// <summary>The served document as the copy keeps it: without <c>servers</c> (this run's address), indented, one final newline.</summary>
    private async Task<JsonObject> ServedAsync()
    {
        var r = await _f.Admin.Get("/openapi/v1.json");
        Assert.Equal(200, r.Code);
        var doc = JsonNode.Parse(r.Text)!.AsObject();
        doc.Remove("servers");
        return doc;
    }

    [Fact]
    public async Task ServedDocument_IsTheConsolesCheckedCopy()
    {
        var served = (await ServedAsync()).ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(CheckedCopyPath, served);
        }
        var copy = File.Exists(CheckedCopyPath) ? (await File.ReadAllTextAsync(CheckedCopyPath)).ReplaceLineEndings("\n") : "";
        Assert.True(
            served == copy,
            $"webui/openapi.json differs from the document the appliance serves. Update it with {UpdateVariable}=1 dotnet test tests/Fulcrum.Tests --filter {nameof(ServedDocument_IsTheConsolesCheckedCopy)}, then build the console (npm run build in webui/) and fix what no longer compiles.");
    }

    [Fact]
    public async Task ServedDocument_ListsTheValidatorsValues_NumbersAsNumbers_StatusFieldsRequired()
    {
        var schemas = (await ServedAsync())["components"]!["schemas"]!;
        string[] Enum(string type, string property) =>
            [.. schemas[type]!["properties"]![property]!["enum"]!.AsArray().Select(v => v?.GetValue<string>() ?? "null")];

        Assert.Equal(LoadBalancingModes.All.Order(StringComparer.Ordinal), Enum("Pool", "loadBalancingMode"));
        Assert.Equal(MemberStates.All.Order(StringComparer.Ordinal), Enum("PoolMember", "state"));
        Assert.Equal(["lax", "none", "strict", "null"], Enum("PersistenceProfile", "cookieSameSite"));
        Assert.Equal(["admin", "auditor", "operator"], Enum("User", "role"));
        Assert.Equal(["disabled", "down", "unchecked", "up"], Enum("MemberStatus", "status"));

        var port = schemas["PoolMember"]!["properties"]!["port"]!;
        Assert.Equal("integer", port["type"]!.GetValue<string>());
        Assert.Null(port["pattern"]);
        Assert.Contains("currentConnections", schemas["VirtualStatus"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));
    }
}
