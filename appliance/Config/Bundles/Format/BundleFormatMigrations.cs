namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>Every format migration, by the version it upgrades from: 0 → 1 → … → <see cref="BundleFormat.Current"/>.</summary>
public static class BundleFormatMigrations
{
    public static readonly IReadOnlyList<IBundleFormatMigration> All = [new FormatV0ToV1()];

    public static IBundleFormatMigration For(int from) =>
        All.SingleOrDefault(m => m.From == from) ?? throw new InvalidOperationException($"no bundle migration from format {from}");
}
