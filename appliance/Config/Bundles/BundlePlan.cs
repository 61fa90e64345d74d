using Fulcrum.Appliance.Config.Diff;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// What importing a bundle would do to the config of generation <see cref="BaseGeneration"/>: the resulting
/// config, the diff to it, and every validation problem (none when it can be applied). <see cref="Mode"/> is
/// <see cref="ImportMode.Replace"/> or <see cref="ImportMode.Merge"/>.
/// </summary>
public sealed record BundlePlan(BundleContents Bundle, ImportMode Mode, long BaseGeneration, FulcrumConfig Target, ConfigDiff Diff, IReadOnlyList<ConfigError> Errors, SignatureCheck Signature)
{
    public bool Valid => Errors.Count == 0;
}
