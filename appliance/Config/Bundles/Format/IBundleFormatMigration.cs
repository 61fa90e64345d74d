using System.Text.Json.Nodes;

namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>
/// Brings a bundle of format <see cref="From"/> to format <see cref="From"/> + 1, in memory. The reader first checks
/// the files against the old manifest (<see cref="Checksums"/>), then upgrades step by step to the current format,
/// so every later stage only ever sees the current layout. A migration never changes once released.
/// </summary>
public interface IBundleFormatMigration
{
    int From { get; }

    /// <summary>Path → hex SHA-256 as this format's manifest lists them.</summary>
    IReadOnlyDictionary<string, string> Checksums(JsonObject manifest);

    (JsonObject Manifest, IReadOnlyDictionary<string, byte[]> Files) Upgrade(JsonObject manifest, IReadOnlyDictionary<string, byte[]> files);
}
