using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Certificates;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// How stored objects are shown by the API. Everything is shown as stored except certificate keys, which are
/// write-only: a certificate shows <c>hasKey</c> and what its PEM says (subject, SANs, expiry) instead.
/// </summary>
public static class ApiViews
{
    public static JsonNode Present(ConfigKind kind, IConfigObject value)
    {
        var node = JsonSerializer.SerializeToNode(value, kind.ClrType, ConfigJson.Options)!.AsObject();
        if (value is Certificate cert)
        {
            node.Remove("key");
            node["hasKey"] = cert.Key is not null;
            Describe(cert, node);
        }
        return node;
    }

    public static JsonArray PresentAll(ConfigKind kind, FulcrumConfig config) =>
        new([.. kind.List(config).Select(o => (JsonNode?)Present(kind, o))]);

    /// <summary>A whole config for the API (generation history): certificate keys removed.</summary>
    public static JsonNode PresentConfig(FulcrumConfig config)
    {
        var node = JsonSerializer.SerializeToNode(config, ConfigJson.Options)!.AsObject();
        if (node["certificates"] is JsonArray certs)
        {
            foreach (var c in certs.OfType<JsonObject>())
            {
                var hasKey = c["key"] is not null;
                c.Remove("key");
                c["hasKey"] = hasKey;
            }
        }
        return node;
    }

    private static void Describe(Certificate cert, JsonObject node)
    {
        if (CertificateFacts.Of(cert) is not { } facts)
        {
            node["subject"] = null;
            return;
        }
        node["subject"] = facts.Subject;
        node["subjectAltNames"] = new JsonArray([.. facts.SubjectAltNames.Select(s => (JsonNode?)s)]);
        node["issuer"] = facts.Issuer;
        node["notBefore"] = facts.NotBefore;
        node["notAfter"] = facts.NotAfter;
        node["keyType"] = facts.KeyType;
        node["fingerprintSha256"] = facts.FingerprintSha256;
        // Accepted but worth knowing (expired, expiring): shown with every read and in the answer to the change.
        node["warnings"] = new JsonArray([.. facts.Warnings(DateTimeOffset.UtcNow).Select(w => (JsonNode?)w)]);
    }
}
