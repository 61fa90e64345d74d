using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// PBKDF2-SHA256 hashes in a self-describing form, <c>pbkdf2-sha256$iterations$salt$hash</c>, so the cost can be
/// raised later while hashes made with an older count still verify with the count they carry.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    public const string Algorithm = "pbkdf2-sha256";

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // A stored count above this is treated as corrupt, so a tampered row cannot make one login burn minutes of CPU.
    private const int MaxIterations = 10_000_000;

    public PasswordHasher()
        : this(DefaultIterations)
    {
    }

    /// <summary>Tests use a low count so they stay fast; production always uses <see cref="DefaultIterations"/>.</summary>
    internal PasswordHasher(int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        Iterations = iterations;
    }

    public int Iterations { get; }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Algorithm}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>False for a wrong password and for a stored value that is not a hash this class made.</summary>
    public bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && hash.Length >= 16;
    }
}
