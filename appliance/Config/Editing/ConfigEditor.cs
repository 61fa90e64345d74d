using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>
/// Applies a list of changes to a configuration in memory, all or nothing, then validates the result once.
/// Nothing here touches the store: the caller commits the returned config as one generation.
/// </summary>
public sealed class ConfigEditor
{
    private readonly ConfigValidator _validator;

    public ConfigEditor(ConfigValidator validator)
    {
        _validator = validator;
    }

    public EditResult Apply(FulcrumConfig config, IReadOnlyList<ConfigChange> changes)
    {
        var current = config;
        var deleted = new List<(ConfigKind Kind, string Name, int Index)>();
        var summaries = new List<string>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var prefix = changes.Count > 1 ? $"changes/{i}/" : "";
            var kind = ConfigKinds.Find(change.Kind);
            if (kind is null)
            {
                return EditResult.Fail(EditFailure.UnknownKind, $"{prefix}kind", $"unknown kind '{change.Kind}'; expected one of: {string.Join(", ", ConfigKinds.All.Select(k => k.Path))}");
            }
            if (NameRules.Problem(change.Name) is { } nameProblem)
            {
                return EditResult.Fail(EditFailure.BadBody, $"{prefix}name", nameProblem);
            }
            var existing = kind.Find(current, change.Name);
            if (change.Op != ChangeOp.Create && existing is null)
            {
                return EditResult.Fail(EditFailure.NotFound, $"{prefix}{kind.Path}/{change.Name}", $"{kind.Singular} '{change.Name}' does not exist");
            }
            if (change.Op == ChangeOp.Create && existing is not null)
            {
                return EditResult.Fail(EditFailure.AlreadyExists, $"{prefix}{kind.Path}/{change.Name}", $"{kind.Singular} '{change.Name}' already exists");
            }
            if (change.Op != ChangeOp.Create && BuiltIns.IsBuiltIn(kind.Path, change.Name))
            {
                return EditResult.Fail(EditFailure.BuiltIn, $"{prefix}{kind.Path}/{change.Name}", $"'{change.Name}' is a built-in {kind.Singular} and cannot be changed or deleted; create a copy under another name");
            }
            if (change.Op == ChangeOp.Delete)
            {
                current = kind.Remove(current, change.Name);
                deleted.Add((kind, change.Name, i));
                summaries.Add($"delete {kind.Singular} {change.Name}");
                continue;
            }
            var read = Read(kind, change, existing, prefix);
            if (read.Result is { } refused)
            {
                return refused;
            }
            current = kind.Upsert(current, read.Value!);
            summaries.Add($"{(change.Op == ChangeOp.Create ? "create" : "update")} {kind.Singular} {change.Name}");
        }

        foreach (var (kind, name, index) in deleted)
        {
            if (kind.Find(current, name) is not null)
            {
                continue;
            }
            var referrers = ConfigReferences.ReferrersOf(current, kind, name);
            if (referrers.Count > 0)
            {
                var prefix = changes.Count > 1 ? $"changes/{index}/" : "";
                return EditResult.Fail(EditFailure.InUse, $"{prefix}{kind.Path}/{name}", $"{kind.Singular} '{name}' is in use by {string.Join(", ", referrers)}");
            }
        }

        var errors = _validator.Validate(current);
        if (errors.Count > 0)
        {
            return new EditResult(null, "", EditFailure.None, errors);
        }
        return new EditResult(current, Summarize(summaries), EditFailure.None, []);
    }

    /// <summary>Validates a whole replacement config (rollback, bundle import) the same way.</summary>
    public IReadOnlyList<ConfigError> Validate(FulcrumConfig config) => _validator.Validate(config);

    private static string Summarize(List<string> summaries) => summaries.Count switch
    {
        0 => "no change",
        1 => summaries[0],
        <= 4 => string.Join("; ", summaries),
        _ => $"{summaries.Count} changes: {string.Join("; ", summaries.Take(3))}; …",
    };

    private readonly record struct ReadOutcome(IConfigObject? Value, EditFailure Failure, EditResult? Result);

    private static ReadOutcome Read(ConfigKind kind, ConfigChange change, IConfigObject? existing, string prefix)
    {
        if (change.Body is not { } body || body.ValueKind != JsonValueKind.Object)
        {
            return Bad(EditFailure.BadBody, $"{prefix}body", $"a JSON object is required for {change.Op.ToString().ToLowerInvariant()}");
        }
        if (kind == ConfigKinds.Certificates && CertificateUpload.FromPkcs12(body, $"{prefix}{kind.Path}/{change.Name}/") is { } upload)
        {
            if (upload.Errors is { } errors)
            {
                return new ReadOutcome(null, EditFailure.None, new EditResult(null, "", EditFailure.None, errors));
            }
            body = upload.Body;
        }
        JsonElement source = body;
        if (change.Op == ChangeOp.Patch)
        {
            var merged = JsonMergePatch.Apply(JsonSerializer.SerializeToNode(existing, kind.ClrType, ConfigJson.Options), JsonNode.Parse(body.GetRawText()));
            if (merged is JsonObject mo && !mo.ContainsKey("name"))
            {
                mo["name"] = change.Name;
            }
            source = JsonSerializer.SerializeToElement(merged, ConfigJson.Options);
        }
        else if (!body.TryGetProperty("name", out _))
        {
            // The path names the object; a body without a name takes it from there.
            var node = JsonNode.Parse(body.GetRawText())!.AsObject();
            node["name"] = change.Name;
            source = JsonSerializer.SerializeToElement(node, ConfigJson.Options);
        }
        IConfigObject value;
        try
        {
            value = kind.Deserialize(source);
        }
        catch (JsonException ex)
        {
            return Bad(EditFailure.BadBody, $"{prefix}body{JsonPath(ex)}", JsonErrors.Describe(ex));
        }
        if (!string.Equals(value.Name, change.Name, StringComparison.Ordinal))
        {
            return Bad(EditFailure.NameMismatch, $"{prefix}name", $"the body names '{Shorten(value.Name)}' but the path names '{change.Name}'; objects cannot be renamed, create a new one instead");
        }
        if (change.Op == ChangeOp.Patch && existing is Certificate oldCert && value is Certificate newCert && newCert.Key is null
            && !(body.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.Null))
        {
            // The key is write-only: a patch that does not mention it keeps it.
            value = newCert with { Key = oldCert.Key };
        }
        return new ReadOutcome(value, EditFailure.None, null);
    }

    private static string JsonPath(JsonException ex) => ex.Path is { Length: > 1 } p ? "/" + p.TrimStart('$', '.').Replace('.', '/') : "";

    private static string Shorten(string s) => s.Length > 64 ? s[..64] + "…" : s;

    private static ReadOutcome Bad(EditFailure failure, string path, string message) =>
        new(null, failure, EditResult.Fail(failure, path, message));
}
