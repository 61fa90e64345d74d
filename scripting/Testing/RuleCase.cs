using System.Text.Json;

namespace Fulcrum.Scripting.Testing;

/// <summary>One case of a <c>*.cases.json</c> file: a sample and what the rule must make of it.</summary>
public sealed class RuleCase : RuleSample
{
    public string Name { get; set; } = "";
    public RuleExpectation Expect { get; set; } = new();
}

/// <summary>
/// Expectations on a trace; each is checked only when given. Header maps give the value a field must have, or null
/// for a field that must be absent.
/// </summary>
public sealed class RuleExpectation
{
    /// <summary><c>continue | responded | dropped | rejected | closed | error</c>.</summary>
    public string? Outcome { get; set; }
    /// <summary>Pool the request went to (<c>"none"</c>: none picked).</summary>
    public string? Pool { get; set; }
    public string? Member { get; set; }
    /// <summary>Status the client gets.</summary>
    public int? Status { get; set; }
    /// <summary>Request target sent to the server.</summary>
    public string? Uri { get; set; }
    public Dictionary<string, string?>? RequestHeaders { get; set; }
    public Dictionary<string, string?>? ResponseHeaders { get; set; }
    public string? BodyContains { get; set; }
    public string? BodyNotContains { get; set; }
    public string? LogContains { get; set; }
    public string? Persistence { get; set; }
    /// <summary>L4: bytes sent to the server / to the client.</summary>
    public string? Payload { get; set; }
    public string? ClientReceived { get; set; }
    public string? ServerReceived { get; set; }
    /// <summary>The error message contains this.</summary>
    public string? Error { get; set; }
}

public sealed record RuleCaseResult(string Name, bool Passed, IReadOnlyList<string> Failures, RuleTrace Trace);

/// <summary>Runs a cases file against a rule and says, per case, what did not hold.</summary>
public static class RuleCases
{
    public static IReadOnlyList<RuleCase> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var array = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("cases", out var c) ? c : doc.RootElement;
        return array.Deserialize<List<RuleCase>>(RuleSample.Json) ?? [];
    }

    public static IReadOnlyList<RuleCaseResult> Run(string ruleName, string source, IReadOnlyList<RuleCase> cases) =>
        [.. cases.Select((c, i) =>
        {
            var trace = RuleTestBench.Run(ruleName, source, c);
            var failures = Check(c.Expect, trace);
            return new RuleCaseResult(c.Name.Length > 0 ? c.Name : $"case {i + 1}", failures.Count == 0, failures, trace);
        })];

    public static List<string> Check(RuleExpectation e, RuleTrace t)
    {
        var f = new List<string>();
        void Eq<T>(string what, T? expected, T? actual)
        {
            if (expected is not null && !Equals(expected, actual))
            {
                f.Add($"{what}: expected {expected}, got {(actual is null ? "none" : actual)}");
            }
        }
        if (e.Error is null && t.Error is { } err)
        {
            f.Add($"the rule failed in {err.Event ?? "compile"} at line {err.Line}, column {err.Column}: {err.Message}");
        }
        if (e.Error is not null && (t.Error is null || !t.Error.Message.Contains(e.Error, StringComparison.Ordinal)))
        {
            f.Add($"error: expected one containing '{e.Error}', got {(t.Error is null ? "none" : $"'{t.Error.Message}'")}");
        }
        Eq("outcome", e.Outcome, t.Outcome);
        Eq("pool", e.Pool, e.Pool == "none" ? t.Pool ?? "none" : t.Pool);
        Eq("member", e.Member, t.Member);
        Eq("status", e.Status, t.Response?.Status);
        Eq("uri", e.Uri, t.Request?.Uri);
        Eq("persistence", e.Persistence, t.Persistence);
        Eq("payload", e.Payload, t.Payload);
        Eq("client received", e.ClientReceived, t.ClientReceived);
        Eq("server received", e.ServerReceived, t.ServerReceived);
        Headers("request header", e.RequestHeaders, t.Request);
        Headers("response header", e.ResponseHeaders, t.Response);
        if (e.BodyContains is not null && t.Response?.Body.Contains(e.BodyContains, StringComparison.Ordinal) != true)
        {
            f.Add($"response body: expected it to contain '{e.BodyContains}', got '{Cut(t.Response?.Body)}'");
        }
        if (e.BodyNotContains is not null && t.Response?.Body.Contains(e.BodyNotContains, StringComparison.Ordinal) == true)
        {
            f.Add($"response body: expected it not to contain '{e.BodyNotContains}'");
        }
        if (e.LogContains is not null && !t.Events.Any(ev => ev.Logs.Any(l => l.Message.Contains(e.LogContains, StringComparison.Ordinal))))
        {
            f.Add($"log: expected a line containing '{e.LogContains}'");
        }
        return f;

        void Headers(string what, Dictionary<string, string?>? expected, TraceMessage? message)
        {
            foreach (var (name, value) in expected ?? [])
            {
                var actual = message?.Headers.GetValueOrDefault(name.ToLowerInvariant()) is { } v ? string.Join(", ", v) : null;
                if (value is null ? actual is not null : actual != value)
                {
                    f.Add($"{what} {name}: expected {(value is null ? "absent" : $"'{value}'")}, got {(actual is null ? "absent" : $"'{actual}'")}");
                }
            }
        }
    }

    private static string Cut(string? s) => s is null ? "" : s.Length > 200 ? s[..200] + "…" : s;
}
