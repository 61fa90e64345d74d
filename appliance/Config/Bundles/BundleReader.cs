using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Fulcrum.Appliance.Config.Bundles.Crypto;
using Fulcrum.Appliance.Config.Bundles.Format;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// Reads a bundle, stage by stage, and stops at the first thing wrong with a <see cref="BundleException"/>: the
/// archive (limits, names, duplicates), the manifest and its format version, the signature, every file's checksum,
/// the format migrations, then the objects and the keys. Whether the result is an acceptable configuration is the
/// importer's question; this only says whether the bundle is intact and well formed.
/// </summary>
public static class BundleReader
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 32, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false };

    public static BundleContents Read(ReadOnlyMemory<byte> bundle, string? passphrase, BundleLimits? limits = null)
    {
        var files = BundleArchive.Read(bundle, limits ?? BundleLimits.Default);
        if (!files.TryGetValue(BundleLayout.Manifest, out var manifestBytes))
        {
            throw new BundleException(BundleError.MissingManifest, $"the archive has no {BundleLayout.Manifest}; it is not a fulcrum bundle");
        }
        var manifest = ParseObject(manifestBytes, BundleError.InvalidManifest, BundleLayout.Manifest);
        var format = FormatOf(manifest);
        var signer = files.TryGetValue(BundleLayout.Signature, out var sig) ? Verify(manifestBytes, sig) : null;

        var checksums = format == BundleFormat.Current ? CurrentChecksums(manifest) : BundleFormatMigrations.For(format).Checksums(manifest);
        CheckFiles(files, checksums);
        var content = files.Where(f => f.Key is not BundleLayout.Manifest and not BundleLayout.Signature).ToDictionary(StringComparer.Ordinal);
        IReadOnlyDictionary<string, byte[]> current = content;
        for (var v = format; v < BundleFormat.Current; v++)
        {
            (manifest, current) = BundleFormatMigrations.For(v).Upgrade(manifest, current);
        }

        BundleManifest typed;
        try
        {
            typed = manifest.Deserialize<BundleManifest>(ConfigJson.Options) ?? throw new JsonException("the manifest is null");
        }
        catch (JsonException ex)
        {
            throw new BundleException(BundleError.InvalidManifest, $"{BundleLayout.Manifest}: {JsonErrors.Describe(ex)}");
        }
        if (typed.Product != BundleFormat.Product)
        {
            throw new BundleException(BundleError.InvalidManifest, $"the bundle was made by '{typed.Product}', not {BundleFormat.Product}");
        }
        return new BundleContents(typed, ReadObjects(typed, current, passphrase), signer, format);
    }

    private static int FormatOf(JsonObject manifest)
    {
        // Format 0 called it "version"; every later format "format".
        var node = manifest["format"] ?? manifest["version"];
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var format) || format < 0)
        {
            throw new BundleException(BundleError.InvalidManifest, $"{BundleLayout.Manifest} has no valid 'format' number");
        }
        if (format > BundleFormat.Current)
        {
            throw new BundleException(BundleError.NewerFormat,
                $"the bundle is format {format}, made by a newer fulcrum; this one reads formats 0 to {BundleFormat.Current}. Upgrade this box, or export from the newer one with an older format");
        }
        return format;
    }

    private static IReadOnlyDictionary<string, string> CurrentChecksums(JsonObject manifest) =>
        manifest["files"] is JsonObject map
            ? map.ToDictionary(p => p.Key, p => p.Value?.GetValueKind() == JsonValueKind.String ? p.Value.GetValue<string>() : "", StringComparer.Ordinal)
            : throw new BundleException(BundleError.InvalidManifest, $"{BundleLayout.Manifest} has no 'files' object of SHA-256 hashes");

    private static void CheckFiles(IReadOnlyDictionary<string, byte[]> files, IReadOnlyDictionary<string, string> checksums)
    {
        foreach (var (path, bytes) in files)
        {
            if (path is BundleLayout.Manifest or BundleLayout.Signature)
            {
                continue;
            }
            if (!checksums.TryGetValue(path, out var expected))
            {
                throw new BundleException(BundleError.UnlistedFile, $"'{path}' is in the archive but not in the manifest: the bundle was altered after export");
            }
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new BundleException(BundleError.ChecksumMismatch, $"'{path}' does not match its SHA-256 in the manifest: the file was altered or damaged");
            }
        }
        foreach (var path in checksums.Keys)
        {
            if (!files.ContainsKey(path))
            {
                throw new BundleException(BundleError.MissingFile, $"the manifest lists '{path}', which is not in the archive");
            }
        }
    }

    private static BundleSigner Verify(byte[] manifestBytes, byte[] signatureBytes)
    {
        BundleSignature signature;
        try
        {
            signature = JsonSerializer.Deserialize<BundleSignature>(signatureBytes, ConfigJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new BundleException(BundleError.BadSignature, $"{BundleLayout.Signature} is not a valid signature file: {JsonErrors.Describe(ex)}");
        }
        if (signature.Algorithm != BundleSignature.EcdsaP256Sha256)
        {
            throw new BundleException(BundleError.BadSignature, $"signature algorithm '{signature.Algorithm}' is not {BundleSignature.EcdsaP256Sha256}");
        }
        var spki = Signing.SignerKeys.ParseP256(signature.PublicKey);
        byte[] sig;
        try
        {
            sig = Convert.FromBase64String(signature.Signature);
        }
        catch (FormatException)
        {
            sig = [];
        }
        if (spki is null)
        {
            throw new BundleException(BundleError.BadSignature, "the signature's public key is not an ECDSA P-256 key");
        }
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        if (!key.VerifyData(manifestBytes, sig, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new BundleException(BundleError.BadSignature, "the manifest's signature does not verify: the manifest or its signature was altered after export");
        }
        return new BundleSigner(Signing.SignerKeys.Fingerprint(spki), Signing.SignerKeys.ToPem(spki));
    }

    private static FulcrumConfig ReadObjects(BundleManifest manifest, IReadOnlyDictionary<string, byte[]> files, string? passphrase)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var config = new FulcrumConfig();
        KeyCipher? cipher = null;
        try
        {
            foreach (var kind in ConfigKinds.All)
            {
                var path = BundleLayout.Objects(kind);
                if (!files.TryGetValue(path, out var bytes))
                {
                    continue;
                }
                used.Add(path);
                if (ParseNode(bytes, path) is not JsonArray items)
                {
                    throw new BundleException(BundleError.InvalidJson, $"{path}: a JSON array of {kind.Singular} objects is required");
                }
                var names = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < items.Count; i++)
                {
                    var where = $"{path}[{i}]";
                    if (items[i] is not JsonObject node || node["name"] is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String)
                    {
                        throw new BundleException(BundleError.InvalidJson, $"{where}: a {kind.Singular} object with a string 'name' is required");
                    }
                    var name = nameValue.GetValue<string>();
                    if (NameRules.Problem(name) is { } problem)
                    {
                        throw new BundleException(BundleError.InvalidJson, $"{where}: {problem}");
                    }
                    if (!names.Add(name))
                    {
                        throw new BundleException(BundleError.InvalidJson, $"{path}: {kind.Singular} '{name}' appears more than once");
                    }
                    if (BuiltIns.IsBuiltIn(kind.Path, name))
                    {
                        throw new BundleException(BundleError.BuiltInObject, $"{where}: '{name}' is a built-in {kind.Singular}; every box has it and bundles never carry it");
                    }
                    if (kind == ConfigKinds.Rules)
                    {
                        Attach(node, "source", Text(files, BundleLayout.Rule(name), used), where);
                    }
                    else if (kind == ConfigKinds.Certificates)
                    {
                        if (node.ContainsKey("key"))
                        {
                            throw new BundleException(BundleError.InvalidJson, $"{where}: a private key in clear; bundles carry keys only encrypted, in {BundleLayout.Key(name)}");
                        }
                        Attach(node, "pem", Text(files, BundleLayout.Certificate(name), used), where);
                        var keyPath = BundleLayout.Key(name);
                        if (files.TryGetValue(keyPath, out var sealedKey))
                        {
                            used.Add(keyPath);
                            cipher ??= Cipher(manifest, passphrase);
                            Attach(node, "key", cipher.Decrypt(name, sealedKey)
                                ?? throw new BundleException(BundleError.WrongPassphrase, $"the passphrase does not decrypt the key of certificate '{name}': it is not the passphrase given at export"), where);
                        }
                    }
                    try
                    {
                        config = kind.Upsert(config, kind.Deserialize(JsonSerializer.SerializeToElement(node, ConfigJson.Options)));
                    }
                    catch (JsonException ex)
                    {
                        throw new BundleException(BundleError.InvalidJson, $"{where} ('{name}'): {JsonErrors.Describe(ex)}");
                    }
                    catch (InvalidOperationException)
                    {
                        throw new BundleException(BundleError.InvalidJson, $"{where} ('{name}'): a string holds a lone UTF-16 surrogate escape, which is not text");
                    }
                }
            }
        }
        finally
        {
            cipher?.Dispose();
        }
        foreach (var path in files.Keys.Where(p => !used.Contains(p)))
        {
            throw new BundleException(BundleError.UnlistedFile, $"'{path}' belongs to no object in the bundle");
        }
        return config;
    }

    private static KeyCipher Cipher(BundleManifest manifest, string? passphrase)
    {
        if (manifest.Keys != KeyModes.Encrypted || manifest.KeyEncryption is null)
        {
            throw new BundleException(BundleError.InvalidManifest, "the bundle holds key files but its manifest does not say how they are encrypted");
        }
        if (string.IsNullOrEmpty(passphrase))
        {
            throw new BundleException(BundleError.PassphraseRequired, "the bundle holds encrypted private keys: give the passphrase used at export (header X-Bundle-Passphrase)");
        }
        return KeyCipher.ForImport(passphrase, manifest.KeyEncryption);
    }

    private static void Attach(JsonObject node, string field, string value, string where)
    {
        if (node.ContainsKey(field))
        {
            throw new BundleException(BundleError.InvalidJson, $"{where}: '{field}' is kept in its own file in a bundle, not in the object");
        }
        node[field] = value;
    }

    private static string Text(IReadOnlyDictionary<string, byte[]> files, string path, HashSet<string> used)
    {
        if (!files.TryGetValue(path, out var bytes))
        {
            throw new BundleException(BundleError.MissingFile, $"'{path}' is missing");
        }
        used.Add(path);
        if (!Utf8.IsValid(bytes))
        {
            throw new BundleException(BundleError.InvalidJson, $"'{path}' is not valid UTF-8 text");
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static JsonObject ParseObject(byte[] bytes, BundleError error, string path) =>
        ParseNode(bytes, path, error) as JsonObject ?? throw new BundleException(error, $"{path}: a JSON object is required");

    private static JsonNode? ParseNode(byte[] bytes, string path, BundleError error = BundleError.InvalidJson)
    {
        try
        {
            return JsonNode.Parse(bytes, documentOptions: Strict);
        }
        catch (JsonException ex)
        {
            throw new BundleException(error, $"{path} is not valid JSON: {JsonErrors.Describe(ex)}");
        }
        catch (InvalidOperationException)
        {
            // Thrown by the duplicate-member check when a member name decodes to a lone surrogate.
            throw new BundleException(error, $"{path} is not valid JSON text: a member name holds a lone UTF-16 surrogate escape");
        }
    }
}
