using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config;
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
        try
        {
            using var x509 = X509Certificate2.CreateFromPem(cert.Pem);
            node["subject"] = x509.Subject;
            node["issuer"] = x509.Issuer;
            node["notBefore"] = x509.NotBefore.ToUniversalTime();
            node["notAfter"] = x509.NotAfter.ToUniversalTime();
            node["fingerprintSha256"] = x509.GetCertHashString(HashAlgorithmName.SHA256);
            var sans = new JsonArray();
            foreach (var ext in x509.Extensions.OfType<X509SubjectAlternativeNameExtension>())
            {
                foreach (var dns in ext.EnumerateDnsNames())
                {
                    sans.Add(dns);
                }
                foreach (var ip in ext.EnumerateIPAddresses())
                {
                    sans.Add(ip.ToString());
                }
            }
            node["subjectAltNames"] = sans;
        }
        catch (CryptographicException)
        {
            node["subject"] = null;
        }
    }
}
