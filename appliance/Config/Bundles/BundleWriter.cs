using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config.Bundles.Crypto;
using Fulcrum.Appliance.Config.Bundles.Format;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// Writes a configuration as a bundle (format <see cref="BundleFormat.Current"/>): one JSON file per kind, each rule's
/// source as a <c>.js</c> file, each certificate as a <c>.pem</c>, each private key encrypted with the passphrase or,
/// without one, left out. Built-in objects are never written: every box has them.
/// </summary>
public static class BundleWriter
{
    public static byte[] Write(FulcrumConfig config, long generation, string? passphrase, ECDsa? signer, string sourceHost, DateTimeOffset now)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var omitted = new List<string>();
        using var cipher = string.IsNullOrEmpty(passphrase) ? null : KeyCipher.ForExport(passphrase);
        var anyKey = WriteContent(config, cipher, files, omitted);
        var manifest = new BundleManifest
        {
            Format = BundleFormat.Current,
            Product = BundleFormat.Product,
            ProductVersion = BundleFormat.ProductVersion,
            Created = now,
            SourceHost = sourceHost,
            Generation = generation,
            Keys = !anyKey ? KeyModes.None : cipher is null ? KeyModes.Omitted : KeyModes.Encrypted,
            KeyEncryption = anyKey ? cipher?.Parameters : null,
            OmittedKeys = [.. omitted],
            Files = files.ToImmutableSortedDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(f.Value)), StringComparer.Ordinal),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, ConfigJson.Indented) + "\n");
        files[BundleLayout.Manifest] = manifestBytes;
        if (signer is not null)
        {
            var signature = new BundleSignature
            {
                Algorithm = BundleSignature.EcdsaP256Sha256,
                PublicKey = Convert.ToBase64String(signer.ExportSubjectPublicKeyInfo()),
                Signature = Convert.ToBase64String(signer.SignData(manifestBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            };
            files[BundleLayout.Signature] = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(signature, ConfigJson.Indented) + "\n");
        }
        return BundleArchive.Write(files, now);
    }
    /// <summary>
    /// Adds the content files of <paramref name="config"/> (everything but the manifest and signature) to
    /// <paramref name="files"/>; returns whether any certificate had a key. Keys are encrypted with
    /// <paramref name="cipher"/>, or listed in <paramref name="omitted"/> without one.
    /// </summary>
    internal static bool WriteContent(FulcrumConfig config, KeyCipher? cipher, SortedDictionary<string, byte[]> files, List<string> omitted)
    {
        var anyKey = false;
        foreach (var kind in ConfigKinds.All)
        {
            var items = new JsonArray();
            foreach (var o in kind.List(config).Where(o => !BuiltIns.IsBuiltIn(kind.Path, o.Name)))
            {
                var node = JsonSerializer.SerializeToNode(o, kind.ClrType, ConfigJson.Options)!.AsObject();
                switch (o)
                {
                    case Rule rule:
                        node.Remove("source");
                        files[BundleLayout.Rule(rule.Name)] = Encoding.UTF8.GetBytes(rule.Source);
                        break;
                    case Certificate cert:
                        node.Remove("pem");
                        node.Remove("key");
                        files[BundleLayout.Certificate(cert.Name)] = Encoding.UTF8.GetBytes(cert.Pem);
                        if (cert.Key is not null)
                        {
                            anyKey = true;
                            if (cipher is null)
                            {
                                omitted.Add(cert.Name);
                            }
                            else
                            {
                                files[BundleLayout.Key(cert.Name)] = cipher.Encrypt(cert.Name, cert.Key);
                            }
                        }
                        break;
                }
                items.Add(node);
            }
            if (items.Count > 0)
            {
                files[BundleLayout.Objects(kind)] = Encoding.UTF8.GetBytes(items.ToJsonString(ConfigJson.Indented) + "\n");
            }
        }
        return anyKey;
    }
}
