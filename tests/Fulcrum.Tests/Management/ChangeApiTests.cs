using System.Net;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>Validation, conflicts, transactions, generations, rollback and audit through the real appliance.</summary>
public sealed class ChangeApiTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public ChangeApiTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    [Fact]
    public async Task Change_WithSeveralErrors_AllListedInOneProblem()
    {
        var before = await _api.Generation();

        var r = await _api.Post("/api/v1/pools", """{"name":"bad","loadBalancingMode":"psychic","monitors":["ghost"],"members":[{"address":"10.0.0.300","port":0}]}""");

        Assert.Equal(422, r.Code);
        Assert.Equal("application/problem+json", r.ContentType);
        var paths = r.Json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("pools/bad/loadBalancingMode", paths);
        Assert.Contains("pools/bad/monitors/0", paths);
        Assert.Contains("pools/bad/members/0/address", paths);
        Assert.Contains("pools/bad/members/0/port", paths);
        Assert.Equal(before, await _api.Generation());
    }

    [Fact]
    public async Task Delete_ReferencedObject_409NamesReferrers()
    {
        await _api.Post("/api/v1/pools", """{"name":"refd"}""");
        await _api.Post("/api/v1/virtuals", """{"name":"refv1","destination":"127.0.0.1:18101","pool":"refd"}""");
        await _api.Post("/api/v1/virtuals", """{"name":"refv2","destination":"127.0.0.1:18102","pool":"refd"}""");

        var r = await _api.Delete("/api/v1/pools/refd");

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        var detail = r.Json.GetProperty("detail").GetString()!;
        Assert.Contains("refv1", detail, StringComparison.Ordinal);
        Assert.Contains("refv2", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _api.Get("/api/v1/pools/refd")).Status);
    }

    [Fact]
    public async Task Transaction_AllOrNothing()
    {
        var before = await _api.Generation();
        var bad = await _api.Post("/api/v1/config/transaction", """
            {"changes":[
              {"op":"create","kind":"pools","body":{"name":"tx-a"}},
              {"op":"create","kind":"monitors","body":{"name":"tx-m","type":"tcp","interval":5,"timeout":16}},
              {"op":"create","kind":"virtuals","body":{"name":"tx-v","destination":"127.0.0.1:18103","pool":"tx-missing"}}
            ]}
            """);

        Assert.Equal(422, bad.Code);
        Assert.Equal(before, await _api.Generation());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Get("/api/v1/pools/tx-a")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Get("/api/v1/monitors/tx-m")).Status);

        var good = await _api.Post("/api/v1/config/transaction", """
            {"changes":[
              {"op":"create","kind":"pools","body":{"name":"tx-a"}},
              {"op":"create","kind":"virtuals","body":{"name":"tx-v","destination":"127.0.0.1:18103","pool":"tx-a"}},
              {"op":"patch","kind":"pools","name":"tx-a","body":{"loadBalancingMode":"ratio"}}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, good.Status);
        Assert.Equal(before + 1, good.Json.GetProperty("generation").GetInt64());
        Assert.Equal("ratio", (await _api.Get("/api/v1/pools/tx-a")).Json.GetProperty("loadBalancingMode").GetString());
    }

    [Fact]
    public async Task Transaction_DryRun_ChangesNothing()
    {
        var before = await _api.Generation();

        var r = await _api.Post("/api/v1/config/transaction", """{"dryRun":true,"changes":[{"op":"create","kind":"pools","body":{"name":"dry"}}]}""");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.True(r.Json.GetProperty("valid").GetBoolean());
        Assert.Equal(before, await _api.Generation());
    }

    [Fact]
    public async Task Rollback_RestoresEarlierGenerationFieldForField()
    {
        await _api.Post("/api/v1/pools", """{"name":"rb","loadBalancingMode":"ratio","members":[{"address":"10.2.0.1","port":80,"ratio":3}]}""");
        var target = await _api.Generation();
        var original = (await _api.Get($"/api/v1/config/generations/{target}")).Json.GetProperty("config").GetRawText();

        await _api.Patch("/api/v1/pools/rb", """{"loadBalancingMode":"least-connections","members":[]}""");
        await _api.Post("/api/v1/monitors", """{"name":"rb-mon","type":"tcp","interval":2,"timeout":7}""");

        var r = await _api.Post($"/api/v1/config/rollback/{target}", null);

        Assert.Equal(HttpStatusCode.OK, r.Status);
        var now = r.Json.GetProperty("generation").GetInt64();
        Assert.Equal($"rollback to generation {target}", r.Json.GetProperty("summary").GetString());
        var restored = (await _api.Get($"/api/v1/config/generations/{now}")).Json.GetProperty("config").GetRawText();
        Assert.Equal(original, restored);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Get("/api/v1/monitors/rb-mon")).Status);
        Assert.Equal(404, (await _api.Post("/api/v1/config/rollback/999999", null)).Code);
    }

    [Fact]
    public async Task Generations_And_Audit_RecordWhoWhatWhen()
    {
        await _api.Post("/api/v1/datagroups", """{"name":"audited","type":"address","records":{"10.0.0.0/8":"internal"}}""");

        var generations = (await _api.Get("/api/v1/config/generations")).Json;
        var latest = generations[0];
        Assert.Equal("admin", latest.GetProperty("user").GetString());
        Assert.Equal("create data group audited", latest.GetProperty("summary").GetString());

        var audit = (await _api.Get("/api/v1/audit")).Json.EnumerateArray().First(a => a.GetProperty("path").GetString() == "/api/v1/datagroups");
        Assert.Equal("admin", audit.GetProperty("user").GetString());
        Assert.Equal("127.0.0.1", audit.GetProperty("address").GetString());
        Assert.Equal("POST", audit.GetProperty("method").GetString());
        Assert.Equal(latest.GetProperty("generation").GetInt64(), audit.GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task Status_ListsObjects()
    {
        await _api.Post("/api/v1/pools", """{"name":"st","members":[{"address":"10.3.0.1","port":80}]}""");

        var r = await _api.Get("/api/v1/status");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        var pool = r.Json.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "st");
        Assert.Equal("unchecked", pool.GetProperty("members")[0].GetProperty("status").GetString());
    }
}
