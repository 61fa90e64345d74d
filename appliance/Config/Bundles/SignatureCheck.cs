namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>How the box judged a bundle's signature: signed or not, by whom, and whether that signer is trusted here.</summary>
public sealed record SignatureCheck(bool Signed, string? Fingerprint, string? Signer, bool Trusted, bool Required);
