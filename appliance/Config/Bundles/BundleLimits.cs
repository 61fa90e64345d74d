namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// What a bundle may inflate to. Sizes are counted while inflating, never taken from the zip headers, which the
/// sender controls.
/// </summary>
public sealed record BundleLimits
{
    /// <summary>Largest upload the import endpoint accepts.</summary>
    public const int MaxUploadBytes = 64 << 20;

    public static BundleLimits Default { get; } = new();

    public int MaxEntries { get; init; } = 10_000;
    public long MaxEntryBytes { get; init; } = 64L << 20;
    public long MaxTotalBytes { get; init; } = 256L << 20;
    /// <summary>Inflated bytes allowed per compressed byte of an entry, once it passes <see cref="RatioFloorBytes"/>.</summary>
    public int MaxRatio { get; init; } = 200;
    /// <summary>Small entries may compress as well as they like; the total limit bounds them.</summary>
    public long RatioFloorBytes { get; init; } = 1L << 20;
}
