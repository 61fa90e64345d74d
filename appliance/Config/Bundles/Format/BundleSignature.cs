namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>
/// <c>manifest.sig</c>: an ECDSA P-256 / SHA-256 signature (IEEE P1363, base64) over the exact bytes of
/// <c>manifest.json</c>, with the signer's public key (SubjectPublicKeyInfo DER, base64). Trust comes from the
/// importing box's list of signers, matched by the key's fingerprint, never from the bundle itself.
/// </summary>
public sealed record BundleSignature
{
    public const string EcdsaP256Sha256 = "ECDSA-P256-SHA256";

    public required string Algorithm { get; init; }
    public required string PublicKey { get; init; }
    public required string Signature { get; init; }
}
