using System.Collections.Immutable;
using Fulcrum.Appliance.Config.Diff;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// The answer to an import, dry run or not, as the API returns it and <c>fulcrum bundle diff --json</c> prints it.
/// <see cref="Mode"/> is <c>replace</c> or <c>merge</c> (what was, or in a dry run would be, applied);
/// <see cref="Generation"/> is the generation made (null for a dry run or when nothing changed).
/// </summary>
public sealed record BundleReport(
    string Mode,
    bool DryRun,
    bool Valid,
    bool Applied,
    long BaseGeneration,
    long? Generation,
    BundleReport.BundleInfo Bundle,
    SignatureCheck Signature,
    ConfigDiff Diff,
    IReadOnlyList<ConfigError> Errors)
{
    /// <summary>What the manifest says about the bundle.</summary>
    public sealed record BundleInfo(int Format, int SourceFormat, string ProductVersion, DateTimeOffset Created, string SourceHost, long Generation, string Keys, ImmutableArray<string> OmittedKeys);

    public static string ModeName(ImportMode mode) => mode switch
    {
        ImportMode.DryRun => "dryRun",
        ImportMode.Replace => "replace",
        _ => "merge",
    };

    /// <summary>Parses <c>dryRun | replace | merge</c> (any case).</summary>
    public static bool TryParseMode(string? text, out ImportMode mode)
    {
        mode = ImportMode.DryRun;
        switch (text?.ToLowerInvariant())
        {
            case null or "dryrun":
                return true;
            case "replace":
                mode = ImportMode.Replace;
                return true;
            case "merge":
                mode = ImportMode.Merge;
                return true;
            default:
                return false;
        }
    }

    public static BundleReport From(BundlePlan plan, bool dryRun, long? generation)
    {
        var m = plan.Bundle.Manifest;
        return new BundleReport(ModeName(plan.Mode), dryRun, plan.Valid, generation is not null, plan.BaseGeneration, generation,
            new BundleInfo(m.Format, plan.Bundle.SourceFormat, m.ProductVersion, m.Created, m.SourceHost, m.Generation, m.Keys, m.OmittedKeys),
            plan.Signature, plan.Diff, plan.Errors);
    }
}
