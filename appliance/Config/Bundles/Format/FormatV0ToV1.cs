using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>
/// Format 0, the pre-release layout: <c>manifest.json</c> <c>{"version":0,"created","host","generation","sha256":{path:hash}}</c>
/// and one <c>config.json</c> holding the whole config as the store did, pools naming their method <c>lbMethod</c>,
/// and never any private keys. Upgraded by splitting it into format 1's per-kind files.
/// </summary>
internal sealed class FormatV0ToV1 : IBundleFormatMigration
{
    private const string ConfigFile = "config.json";

    public int From => 0;

    public IReadOnlyDictionary<string, string> Checksums(JsonObject manifest) =>
        manifest["sha256"] is JsonObject map
            ? map.ToDictionary(p => p.Key, p => p.Value?.GetValueKind() == JsonValueKind.String ? p.Value.GetValue<string>() : "", StringComparer.Ordinal)
            : throw new BundleException(BundleError.InvalidManifest, "a format 0 manifest needs a 'sha256' object of file hashes");

    public (JsonObject Manifest, IReadOnlyDictionary<string, byte[]> Files) Upgrade(JsonObject manifest, IReadOnlyDictionary<string, byte[]> files)
    {
        if (!files.TryGetValue(ConfigFile, out var bytes))
        {
            throw new BundleException(BundleError.MissingFile, $"a format 0 bundle holds its objects in '{ConfigFile}', which is missing");
        }
        FulcrumConfig config;
        try
        {
            var node = JsonNode.Parse(bytes)?.AsObject() ?? throw new JsonException("config.json holds null");
            if (node["pools"] is JsonArray pools)
            {
                foreach (var pool in pools.OfType<JsonObject>())
                {
                    if (pool.Remove("lbMethod", out var method))
                    {
                        pool["loadBalancingMode"] = method;
                    }
                }
            }
            var element = JsonSerializer.SerializeToElement(node, ConfigJson.Options);
            JsonInputCheck.ThrowIfInvalid(element);
            config = element.Deserialize<FulcrumConfig>(ConfigJson.Options) ?? throw new JsonException("config.json holds null");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new BundleException(BundleError.InvalidJson, $"{ConfigFile}: {(ex is JsonException je ? Editing.JsonErrors.Describe(je) : ex.Message)}");
        }
        var upgraded = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        BundleWriter.WriteContent(config with { Certificates = [.. config.Certificates.Select(c => c with { Key = null })] }, null, upgraded, []);
        var v1 = new BundleManifest
        {
            Format = 1,
            Product = BundleFormat.Product,
            ProductVersion = "0",
            Created = manifest["created"] is JsonValue created && created.TryGetValue<DateTimeOffset>(out var t) ? t : DateTimeOffset.UnixEpoch,
            SourceHost = manifest["host"] is JsonValue host && host.TryGetValue<string>(out var h) ? h : "",
            Generation = manifest["generation"] is JsonValue gen && gen.TryGetValue<long>(out var g) ? g : 0,
            Keys = KeyModes.None,
            Files = upgraded.ToImmutableSortedDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(f.Value)), StringComparer.Ordinal),
        };
        return (JsonSerializer.SerializeToNode(v1, ConfigJson.Options)!.AsObject(), upgraded);
    }
}
