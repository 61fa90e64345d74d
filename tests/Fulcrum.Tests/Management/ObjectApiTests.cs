using System.Net;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>CRUD on every resource through the real appliance process.</summary>
public sealed class ObjectApiTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public ObjectApiTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    [Fact]
    public async Task EveryKind_CreateReadListReplacePatchDelete()
    {
        var samples = Samples.All();
        foreach (var (kind, name, body, field, value) in samples)
        {
            var created = await _api.Post($"/api/v1/{kind}", body);
            Assert.True(created.Status == HttpStatusCode.Created, $"create {kind}: {created.Code} {created.Text}");
            Assert.Equal(name, created.Json.GetProperty("name").GetString());
            Assert.True(created.Headers.Contains("Fulcrum-Generation"));

            var read = await _api.Get($"/api/v1/{kind}/{name}");
            Assert.Equal(HttpStatusCode.OK, read.Status);
            foreach (var property in JsonDocument.Parse(body).RootElement.EnumerateObject().Where(p => p.Name != "key"))
            {
                Assert.True(read.Json.TryGetProperty(property.Name, out var got), $"{kind} lacks {property.Name}");
                Assert.True(JsonSubset.Holds(property.Value, got), $"{kind}.{property.Name}: sent {property.Value.GetRawText()}, read {got.GetRawText()}");
            }

            var list = await _api.Get($"/api/v1/{kind}");
            Assert.Contains(list.Json.EnumerateArray(), o => o.GetProperty("name").GetString() == name);

            var patched = await _api.Patch($"/api/v1/{kind}/{name}", $$"""{"{{field}}":{{value}}}""");
            Assert.True(patched.Status == HttpStatusCode.OK, $"patch {kind}: {patched.Code} {patched.Text}");
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(value).RootElement, patched.Json.GetProperty(field)), $"patch {kind}.{field}");

            var replaced = await _api.Put($"/api/v1/{kind}/{name}", body);
            Assert.True(replaced.Status == HttpStatusCode.OK, $"replace {kind}: {replaced.Code} {replaced.Text}");
        }

        foreach (var (kind, name, _, _, _) in samples.Reverse())
        {
            var deleted = await _api.Delete($"/api/v1/{kind}/{name}");
            Assert.True(deleted.Status == HttpStatusCode.NoContent, $"delete {kind}: {deleted.Code} {deleted.Text}");
            Assert.Equal(HttpStatusCode.NotFound, (await _api.Get($"/api/v1/{kind}/{name}")).Status);
        }
    }

    [Fact]
    public async Task Certificate_KeyIsWriteOnly_AndDescribed()
    {
        var (cert, key) = Samples.SelfSigned("cert.example.test");
        var created = await _api.Post("/api/v1/certificates", JsonSerializer.Serialize(new { name = "keyed", pem = cert, key }));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.False(created.Json.TryGetProperty("key", out _));
        Assert.True(created.Json.GetProperty("hasKey").GetBoolean());
        Assert.Contains("cert.example.test", created.Json.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("cert.example.test", created.Json.GetProperty("subjectAltNames")[0].GetString(), StringComparison.Ordinal);
        var config = await _api.Get("/api/v1/config");
        Assert.DoesNotContain("PRIVATE KEY", config.Text, StringComparison.Ordinal);

        var patched = await _api.Patch("/api/v1/certificates/keyed", """{"description":"x"}""");
        Assert.True(patched.Json.GetProperty("hasKey").GetBoolean());
    }

    [Fact]
    public async Task Members_AddPatchDelete_ThroughSubCollection()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.Post("/api/v1/pools", """{"name":"mpool"}""")).Status);

        var added = await _api.Post("/api/v1/pools/mpool/members", """{"address":"10.1.1.1","port":80,"ratio":2}""");
        Assert.Equal(HttpStatusCode.Created, added.Status);
        Assert.Equal(2, added.Json.GetProperty("ratio").GetInt32());

        var duplicate = await _api.Post("/api/v1/pools/mpool/members", """{"address":"10.1.1.1","port":80}""");
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);

        var disabled = await _api.Patch("/api/v1/pools/mpool/members/10.1.1.1:80", """{"state":"forced-offline"}""");
        Assert.Equal(HttpStatusCode.OK, disabled.Status);
        Assert.Equal("forced-offline", disabled.Json.GetProperty("state").GetString());

        var badState = await _api.Patch("/api/v1/pools/mpool/members/10.1.1.1:80", """{"state":"sleepy"}""");
        Assert.Equal(422, badState.Code);
        Assert.Equal("pools/mpool/members/0/state", badState.Json.GetProperty("errors")[0].GetProperty("path").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _api.Delete("/api/v1/pools/mpool/members/10.1.1.1:80")).Status);
        Assert.Equal(0, (await _api.Get("/api/v1/pools/mpool/members")).Json.GetArrayLength());
    }

    [Fact]
    public async Task BuiltIns_ExistFromFirstStart()
    {
        foreach (var path in new[] { "monitors/tcp", "monitors/tcp-half-open", "monitors/http", "monitors/https", "monitors/icmp",
                     "profiles/tcp/tcp", "profiles/http/http", "profiles/oneconnect/oneconnect", "profiles/client-ssl/client-ssl",
                     "profiles/server-ssl/server-ssl", "profiles/persistence/source-addr", "profiles/persistence/cookie", "profiles/persistence/universal" })
        {
            Assert.Equal(HttpStatusCode.OK, (await _api.Get($"/api/v1/{path}")).Status);
        }
        var delete = await _api.Delete("/api/v1/monitors/tcp");
        Assert.Equal(HttpStatusCode.Conflict, delete.Status);
        Assert.True(delete.IsProblem);
    }
}
