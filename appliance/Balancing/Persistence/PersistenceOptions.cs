using System.Security.Cryptography;

namespace Fulcrum.Appliance.Balancing.Persistence;

public sealed class PersistenceOptions
{
    /// <summary>Most records held; past it the soonest to expire are evicted.</summary>
    public int Capacity { get; init; } = 1_000_000;

    /// <summary>The cookie HMAC key (at least 16 bytes). Kept in the data directory so cookies survive restarts.</summary>
    public byte[] CookieSecret { get; init; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Reads <c>persistence.key</c> from <paramref name="dataDir"/>, creating it (32 random bytes, owner-only) when absent.</summary>
    public static PersistenceOptions FromDataDir(string? dataDir)
    {
        if (dataDir is null)
        {
            return new PersistenceOptions();
        }
        var path = Path.Combine(dataDir, "persistence.key");
        if (File.Exists(path) && File.ReadAllBytes(path) is { Length: >= 16 } existing)
        {
            return new PersistenceOptions { CookieSecret = existing };
        }
        Directory.CreateDirectory(dataDir);
        var secret = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(path, []);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllBytes(path, secret);
        return new PersistenceOptions { CookieSecret = secret };
    }
}
