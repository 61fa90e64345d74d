using System.Collections.Immutable;

namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>
/// <c>manifest.json</c>: what the bundle is, where it came from, how its keys are kept, and the SHA-256 of every
/// other file (except the signature, which signs this file's exact bytes).
/// </summary>
public sealed record BundleManifest
{
    public required int Format { get; init; }
    public required string Product { get; init; }
    public required string ProductVersion { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string SourceHost { get; init; }
    public required long Generation { get; init; }
    /// <summary><c>encrypted</c>, <c>omitted</c> (no passphrase at export) or <c>none</c> (no certificate had a key).</summary>
    public required string Keys { get; init; }
    public KeyEncryption? KeyEncryption { get; init; }
    /// <summary>Certificates whose key was left out because no passphrase was given.</summary>
    public ImmutableArray<string> OmittedKeys { get; init; } = [];
    /// <summary>Path → lower-case hex SHA-256.</summary>
    public required ImmutableSortedDictionary<string, string> Files { get; init; }
}
