using System.Collections.Immutable;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Bundles;
using Fulcrum.Appliance.Config.Bundles.Format;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Bundles;

/// <summary>Makes bundles for tests: good ones with the real writer, and bad ones by editing their files or writing raw zips.</summary>
public static class BundleForge
{
    public const string Passphrase = "correct horse battery staple";

    /// <summary>A config with one object of every kind plus extra rules, data groups and a keyless certificate, built from <see cref="Samples.All"/>.</summary>
    public static FulcrumConfig Rich()
    {
        var config = FulcrumConfig.Default;
        foreach (var (kind, _, body, _, _) in Samples.All())
        {
            var k = ConfigKinds.Find(kind)!;
            config = k.Upsert(config, k.Deserialize(JsonDocument.Parse(body).RootElement));
        }
        var (caPem, _) = Samples.SelfSigned("ca.example.test");
        return config with
        {
            Rules = [.. config.Rules, new Rule { Name = "block", Source = "when('HTTP_REQUEST', ctx => {\n  if (dataGroup('blocked').startsWith(ctx.http.path)) ctx.http.respond(403, 'no');\n});\n" }],
            DataGroups = [.. config.DataGroups,
                new DataGroup { Name = "nets", Type = DataGroupTypes.Address, Records = new Dictionary<string, string> { ["10.0.0.0/8"] = "internal", ["192.168.1.0/24"] = "lab" }.ToImmutableSortedDictionary(StringComparer.Ordinal) }],
            Certificates = [.. config.Certificates, new Certificate { Name = "ca", Pem = caPem }],
        };
    }

    public static byte[] Write(FulcrumConfig config, string? passphrase = Passphrase, ECDsa? signer = null, long generation = 7) =>
        BundleWriter.Write(config, generation, passphrase, signer, "forge", DateTimeOffset.UtcNow);

    public static SortedDictionary<string, byte[]> Files(byte[] bundle) => new(BundleArchive.Read(bundle, BundleLimits.Default).ToDictionary(), StringComparer.Ordinal);

    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(data);
            }
        }
        return stream.ToArray();
    }

    public static byte[] Zip(IReadOnlyDictionary<string, byte[]> files) => Zip(files.Select(f => (f.Key, f.Value)));

    /// <summary>Rewrites the manifest's file hashes to match <paramref name="files"/> (dropping any signature), as a careful forger would.</summary>
    public static byte[] Reseal(SortedDictionary<string, byte[]> files, Action<JsonObject>? editManifest = null)
    {
        files.Remove(BundleLayout.Signature);
        var manifest = JsonNode.Parse(files[BundleLayout.Manifest])!.AsObject();
        var hashes = new JsonObject();
        foreach (var (path, data) in files.Where(f => f.Key != BundleLayout.Manifest))
        {
            hashes[path] = Convert.ToHexStringLower(SHA256.HashData(data));
        }
        manifest["files"] = hashes;
        editManifest?.Invoke(manifest);
        files[BundleLayout.Manifest] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return Zip(files);
    }
}
