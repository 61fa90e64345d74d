using System.Security.Cryptography;
using System.Text;

namespace Fulcrum.Appliance.Config.Store;

/// <summary>
/// The box key: a random AES-256 key in a file beside the database (<c>fulcrum.db.boxkey</c>, mode 0600), created the
/// first time the store is opened. Certificate private keys are sealed with it before they are written to SQLite, so
/// a copy of the database alone does not give them away. A sealed value is <c>box1:</c> + base64 of
/// <c>nonce(12) ‖ tag(16) ‖ ciphertext</c>, with what it is (<see cref="Certificate"/>, <see cref="BundleSigningKey"/>)
/// as associated data, so a sealed key cannot be moved to another certificate or use.
/// </summary>
public sealed class KeyBox
{
    public const string FileSuffix = ".boxkey";
    public const string Prefix = "box1:";

    private const string Header = "fulcrum-box-key-v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    private KeyBox(byte[] key, string path)
    {
        _key = key;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Reads the box key at <paramref name="path"/>, creating it (0600) when there is none.</summary>
    /// <exception cref="StoreException">The file exists but is not a box key.</exception>
    public static KeyBox OpenOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var lines = File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            byte[]? key = null;
            if (lines is [Header, var encoded])
            {
                try
                {
                    key = Convert.FromBase64String(encoded);
                }
                catch (FormatException)
                {
                }
            }
            if (key is not { Length: 32 })
            {
                throw new StoreException($"{path} is not a Fulcrum box key; it encrypts the certificate keys in the store beside it, so it is not replaced. Restore it from the backup taken with the database");
            }
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
            {
                // A restore (cp without -p) may have widened it; the key is only ever the owner's.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return new KeyBox(key, path);
        }
        var fresh = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(path, options))
        {
            file.Write(Encoding.ASCII.GetBytes($"{Header}\n{Convert.ToBase64String(fresh)}\n"));
            file.Flush(flushToDisk: true);
        }
        return new KeyBox(fresh, path);
    }

    /// <summary>The context of a certificate's key (certificate names hold no '/').</summary>
    public static string Certificate(string name) => "certificate/" + name;

    /// <summary>The context of the box's bundle signing key.</summary>
    public const string BundleSigningKey = "bundle-signing-key";

    public static bool IsSealed(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string context, string keyPem)
    {
        var plain = Encoding.UTF8.GetBytes(keyPem);
        var output = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(output.AsSpan(0, NonceSize), plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Aad(context));
        }
        CryptographicOperations.ZeroMemory(plain);
        return Prefix + Convert.ToBase64String(output);
    }

    /// <exception cref="StoreException">The value was sealed under another box key, or for another context, or is damaged.</exception>
    public string Open(string context, string sealedValue)
    {
        byte[] data;
        try
        {
            data = Convert.FromBase64String(sealedValue[Prefix.Length..]);
        }
        catch (FormatException)
        {
            throw new StoreException($"the stored key of {context} is damaged (not base64)");
        }
        if (data.Length < NonceSize + TagSize)
        {
            throw new StoreException($"the stored key of {context} is damaged (too short)");
        }
        var plain = new byte[data.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, Aad(context));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new StoreException($"the stored key of {context} does not open with the box key {Path}: the box key is not the one this database was written with");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] Aad(string context) => Encoding.UTF8.GetBytes("fulcrum-store-key:" + context);
}
