namespace Fulcrum.Appliance.Config.Bundles.Signing;

/// <summary>A signer whose bundles this box trusts: a name, and a P-256 public key (PEM) with its fingerprint.</summary>
public sealed record TrustedSigner(string Name, string Fingerprint, string PublicKey, DateTimeOffset Added, string AddedBy);
