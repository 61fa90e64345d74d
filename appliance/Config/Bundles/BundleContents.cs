using Fulcrum.Appliance.Config.Bundles.Format;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// A bundle that passed every integrity check: its manifest (upgraded to the current format), the objects it carries
/// (no built-ins; certificates whose key was omitted have none), the verified signer if it was signed, and the
/// format it was written in.
/// </summary>
public sealed record BundleContents(BundleManifest Manifest, FulcrumConfig Objects, BundleSigner? Signer, int SourceFormat);
