namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>How the bundle's private keys are encrypted: one key derived from the passphrase for the whole bundle.</summary>
public sealed record KeyEncryption
{
    public required string Cipher { get; init; }
    public required string Kdf { get; init; }
    public required int Iterations { get; init; }
    /// <summary>Base64, 16 random bytes.</summary>
    public required string Salt { get; init; }
}
