using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Certificates;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>
/// A certificate body may carry a PKCS#12 file instead of <c>pem</c> and <c>key</c>: <c>pkcs12</c> (base64) and
/// <c>passphrase</c>. They are converted here, before the body is read as a certificate, and never stored.
/// </summary>
internal static class CertificateUpload
{
    public sealed record Outcome(JsonElement Body, IReadOnlyList<ConfigError>? Errors);

    /// <summary>Null when the body has no PKCS#12 fields; otherwise the body with <c>pem</c> and <c>key</c>, or the problems.</summary>
    public static Outcome? FromPkcs12(JsonElement body, string path)
    {
        var hasFile = body.TryGetProperty("pkcs12", out var file);
        var hasPassphrase = body.TryGetProperty("passphrase", out var passphrase);
        if (!hasFile && !hasPassphrase)
        {
            return null;
        }
        if (!hasFile || file.ValueKind != JsonValueKind.String)
        {
            return Fail(path + "pkcs12", hasFile ? "must be a string: the PKCS#12 file, base64" : "a passphrase is given without a pkcs12 file");
        }
        if (hasPassphrase && passphrase.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return Fail(path + "passphrase", "must be a string");
        }
        if (body.TryGetProperty("pem", out _) || body.TryGetProperty("key", out _))
        {
            return Fail(path + "pkcs12", "give either pkcs12 (with passphrase) or pem and key, not both");
        }
        var result = Pkcs12Import.Convert(file.GetString()!, hasPassphrase ? passphrase.GetString() : null);
        if (result.Problem is not null)
        {
            return Fail(path + result.Field, result.Problem);
        }
        var node = JsonNode.Parse(body.GetRawText())!.AsObject();
        node.Remove("pkcs12");
        node.Remove("passphrase");
        node["pem"] = result.Pem;
        node["key"] = result.Key;
        return new Outcome(JsonSerializer.SerializeToElement(node, ConfigJson.Options), null);
    }

    private static Outcome Fail(string path, string message) => new(default, [new ConfigError(path, message)]);
}
