using System.Security.Cryptography;
using System.Text;
using Fulcrum.Appliance.Config.Bundles.Format;

namespace Fulcrum.Appliance.Config.Bundles.Crypto;

/// <summary>
/// Encrypts private keys for a bundle: AES-256-GCM under a key derived once per bundle from the passphrase with
/// PBKDF2-HMAC-SHA256 (600,000 iterations, random 16-byte salt). Each key file is <c>nonce(12) ‖ tag(16) ‖ ciphertext</c>
/// with the certificate's name as associated data, so a key cannot be moved to another certificate unnoticed.
/// </summary>
public sealed class KeyCipher : IDisposable
{
    public const string CipherName = "AES-256-GCM";
    public const string KdfName = "PBKDF2-HMAC-SHA256";
    public const int Iterations = 600_000;
    /// <summary>A manifest may ask for more work than we do, but not unbounded work: it is attacker-controlled.</summary>
    public const int MaxIterations = 10_000_000;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly AesGcm _aes;

    private KeyCipher(byte[] key, KeyEncryption parameters)
    {
        _aes = new AesGcm(key, TagSize);
        CryptographicOperations.ZeroMemory(key);
        Parameters = parameters;
    }

    public KeyEncryption Parameters { get; }

    /// <summary>A cipher for a new bundle, with a fresh salt.</summary>
    public static KeyCipher ForExport(string passphrase)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var parameters = new KeyEncryption { Cipher = CipherName, Kdf = KdfName, Iterations = Iterations, Salt = Convert.ToBase64String(salt) };
        return new KeyCipher(Derive(passphrase, salt, Iterations), parameters);
    }

    /// <summary>A cipher for reading a bundle with these parameters; throws when they are not ones we accept.</summary>
    public static KeyCipher ForImport(string passphrase, KeyEncryption parameters)
    {
        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(parameters.Salt);
        }
        catch (FormatException)
        {
            throw new BundleException(BundleError.InvalidManifest, "the manifest's keyEncryption.salt is not base64");
        }
        if (parameters.Cipher != CipherName || parameters.Kdf != KdfName || salt.Length < 16
            || parameters.Iterations < Iterations || parameters.Iterations > MaxIterations)
        {
            throw new BundleException(BundleError.InvalidManifest,
                $"the manifest's keyEncryption must be {CipherName} with {KdfName}, {Iterations} to {MaxIterations} iterations and a salt of at least 16 bytes");
        }
        return new KeyCipher(Derive(passphrase, salt, parameters.Iterations), parameters);
    }

    public byte[] Encrypt(string certificateName, string keyPem)
    {
        var plain = Encoding.UTF8.GetBytes(keyPem);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        _aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Aad(certificateName));
        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    /// <summary>The key PEM, or null when the passphrase (or the data) is wrong.</summary>
    public string? Decrypt(string certificateName, ReadOnlySpan<byte> data)
    {
        if (data.Length < NonceSize + TagSize)
        {
            return null;
        }
        var plain = new byte[data.Length - NonceSize - TagSize];
        try
        {
            _aes.Decrypt(data[..NonceSize], data[(NonceSize + TagSize)..], data.Slice(NonceSize, TagSize), plain, Aad(certificateName));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public void Dispose() => _aes.Dispose();

    private static byte[] Aad(string certificateName) => Encoding.UTF8.GetBytes("fulcrum-bundle-key:" + certificateName);

    private static byte[] Derive(string passphrase, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);
}
