using System.Text;
using System.Text.Json.Nodes;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>
/// Every object endpoint (POST on the collection, PUT and PATCH on an item, the member sub-collection, users and
/// transactions) fed each field of a valid body replaced by a hostile value: wrong types, nulls, nulls inside
/// lists, lone surrogates, huge numbers, deep nesting and duplicate keys. Nothing may answer 5xx, and every
/// refusal is a problem document.
/// </summary>
public sealed class BodyFuzzTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public BodyFuzzTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    /// <summary>Raw JSON values, written into a body as they are (escapes included).</summary>
    private static readonly string[] HostileValues =
    [
        "null", "true", "0", "-1", "1.5", "2147483648", "-9223372036854775809", "99999999999999999999999", "1e400", "-0",
        "\"\"", "\"x\"", "\"p\\ud800\"", "\"\\udc00x\"", "\"a\\u0000b\"", "\"x\\r\\nSet-Cookie: a=b\"",
        "[]", "[null]", "[null,null]", "[1]", "[\"\\ud800\"]", "[{}]", "[[]]", "{}", "{\"a\":null}", "{\"\\ud800\":\"x\"}",
        Nest(30), Nest(200),
    ];

    private static string Nest(int depth) => new string('[', depth) + new string(']', depth);

    [Fact]
    public async Task EveryObjectEndpoint_HostileFieldValues_NeverA5xx()
    {
        foreach (var (kind, _, body, _, _) in Samples.All())
        {
            var created = await _api.Post($"/api/v1/{kind}", body);
            Assert.True(created.Code is 201 or 409, $"setup {kind}: {created.Code} {created.Text}");
        }

        var failures = new List<string>();
        var user = await _api.Post("/api/v1/users", """{"name":"fuzzer","role":"auditor","password":"Fuzz-Password-1"}""");
        Assert.Equal(201, user.Code);
        var kinds = Samples.All().Select(s => (s.Kind, s.Name, s.Body))
            .Append(("users", "fuzzer", """{"name":"fuzzer","role":"auditor","password":"Fuzz-Password-1","description":"d"}"""));
        foreach (var (kind, name, body) in kinds)
        {
            var sample = JsonNode.Parse(body)!.AsObject();
            var fields = sample.Select(p => p.Key).Where(k => k != "name").Append("description").Append("unknownField").Distinct().ToList();
            var i = 0;
            foreach (var field in fields)
            {
                foreach (var value in HostileValues)
                {
                    var fuzzName = $"fz-{i++}";
                    await Check(failures, HttpMethod.Post, $"/api/v1/{kind}", With(sample, fuzzName, field, value));
                    await Check(failures, HttpMethod.Put, $"/api/v1/{kind}/{name}", With(sample, name, field, value));
                    await Check(failures, HttpMethod.Patch, $"/api/v1/{kind}/{name}", $$"""{"{{field}}":{{value}}}""");
                }
            }
            foreach (var whole in WholeBodies(sample))
            {
                await Check(failures, HttpMethod.Post, $"/api/v1/{kind}", whole);
                await Check(failures, HttpMethod.Put, $"/api/v1/{kind}/{name}", whole);
                await Check(failures, HttpMethod.Patch, $"/api/v1/{kind}/{name}", whole);
            }
            foreach (var value in HostileValues.Where(_ => kind != "users"))
            {
                await Check(failures, HttpMethod.Post, "/api/v1/config/transaction", $$"""{"changes":[{"op":"create","kind":"{{kind}}","name":"fzt","body":{{value}}}]}""");
                await Check(failures, HttpMethod.Post, "/api/v1/config/transaction", $$$"""{"changes":[{"op":"patch","kind":"{{{kind}}}","name":"{{{name}}}","body":{"description":{{{value}}}}}]}""");
            }
        }

        var member = JsonNode.Parse("""{"address":"127.0.0.2","port":9002}""")!.AsObject();
        foreach (var field in new[] { "address", "port", "ratio", "state", "description" })
        {
            foreach (var value in HostileValues)
            {
                var mutated = member.DeepClone().AsObject();
                mutated[field] = JsonNode.Parse("null");
                var text = mutated.ToJsonString().Replace($"\"{field}\":null", $"\"{field}\":{value}", StringComparison.Ordinal);
                await Check(failures, HttpMethod.Post, "/api/v1/pools/web/members", text);
                await Check(failures, HttpMethod.Put, "/api/v1/pools/web/members/127.0.0.1:9001", text);
                await Check(failures, HttpMethod.Patch, "/api/v1/pools/web/members/127.0.0.1:9001", $$"""{"{{field}}":{{value}}}""");
            }
        }
        foreach (var value in HostileValues)
        {
            await Check(failures, HttpMethod.Post, "/api/v1/config/transaction", $$"""{"changes":{{value}}}""");
            await Check(failures, HttpMethod.Post, "/api/v1/config/transaction", $$"""{"changes":[{"op":{{value}},"kind":"pools","name":"x"}]}""");
            await Check(failures, HttpMethod.Post, "/api/v1/config/transaction", $$"""{"changes":[{"op":"create","kind":{{value}},"name":"x"}]}""");
            await Check(failures, HttpMethod.Post, "/api/v1/config/transaction", $$"""{"changes":[{"op":"create","kind":"pools","name":{{value}}}]}""");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} bad answers, first ones:\n{string.Join("\n", failures.Take(25))}");
    }

    [Theory]
    [InlineData("POST", "/api/v1/pools", """{"name":"p\ud800"}""")]
    [InlineData("POST", "/api/v1/pools", """{"name":"x","members":[null]}""")]
    [InlineData("PUT", "/api/v1/pools/nm", """{"name":"nm","members":[null]}""")]
    [InlineData("PATCH", "/api/v1/pools/nm", """{"members":[null]}""")]
    [InlineData("PATCH", "/api/v1/pools/nm", """{"description":"\udfff"}""")]
    public async Task ReportedBodies_400Problem(string method, string path, string body)
    {
        await _api.Post("/api/v1/pools", """{"name":"nm"}""");

        var r = await _api.Send(new HttpMethod(method), path, body);

        Assert.Equal(400, r.Code);
        Assert.True(r.IsProblem, r.Text);
    }

    private static IEnumerable<string> WholeBodies(JsonObject sample)
    {
        var raw = sample.ToJsonString();
        yield return raw.Insert(1, "\"name\":\"dup\",");
        yield return raw[..^1] + "," + raw[1..];
        yield return raw.Replace("\"name\":\"", "\"name\":\"\\ud800", StringComparison.Ordinal);
        yield return raw.Replace("\"name\":", "\"na\\ud800me\":", StringComparison.Ordinal);
        yield return "{\"name\":\"deep\",\"description\":" + new string('{', 0) + Nest(40) + "}";
        yield return string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40);
        yield return "\"\\ud800\"";
        yield return "[null]";
        yield return "1e400";
    }

    /// <summary>The sample with its name replaced and one field set to a raw JSON value.</summary>
    private static string With(JsonObject sample, string name, string field, string rawValue)
    {
        var copy = sample.DeepClone().AsObject();
        copy["name"] = name;
        copy[field] = "\u0001FUZZ\u0001";
        return copy.ToJsonString().Replace("\"\\u0001FUZZ\\u0001\"", rawValue, StringComparison.Ordinal);
    }

    private async Task Check(List<string> failures, HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new("application/json");
        var r = await _api.SendAsync(request);
        if (r.Code >= 500 || (r.Code >= 400 && !r.IsProblem))
        {
            failures.Add($"{method} {path} {Short(body)} -> {r.Code} {Short(r.Text)}");
        }
    }

    private static string Short(string s) => s.Length > 160 ? s[..160] + "…" : s;
}
