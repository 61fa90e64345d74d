namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>Who signed a bundle whose signature verified: the key's fingerprint and PEM.</summary>
public sealed record BundleSigner(string Fingerprint, string PublicKey);
