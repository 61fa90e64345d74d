using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Certificates;

/// <summary>
/// What a certificate's PEM says about its first (leaf) certificate, read once per config record: the API, status,
/// metrics and the console show these; they are derived, never stored.
/// </summary>
public sealed record CertificateFacts(
    string Subject,
    ImmutableArray<string> SubjectAltNames,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string KeyType,
    string FingerprintSha256)
{
    /// <summary>A certificate this close to its end (or past it) is flagged as expiring.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    private static readonly ConditionalWeakTable<Certificate, CertificateFacts?> Cache = new();

    /// <summary>The facts of a stored certificate, or null when its PEM does not parse (validation refuses that).</summary>
    public static CertificateFacts? Of(Certificate certificate) => Cache.GetValue(certificate, c => Read(c.Pem));

    public static CertificateFacts? Read(string pem)
    {
        try
        {
            using var x509 = X509Certificate2.CreateFromPem(pem);
            return From(x509);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    public static CertificateFacts From(X509Certificate2 x509)
    {
        var sans = ImmutableArray.CreateBuilder<string>();
        foreach (var ext in x509.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            sans.AddRange(ext.EnumerateDnsNames());
            foreach (var ip in ext.EnumerateIPAddresses())
            {
                sans.Add(ip.ToString());
            }
        }
        return new CertificateFacts(
            x509.Subject,
            sans.ToImmutable(),
            x509.Issuer,
            new DateTimeOffset(x509.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(x509.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            KeyTypeOf(x509),
            x509.GetCertHashString(HashAlgorithmName.SHA256));
    }

    /// <summary><c>rsa-2048</c>, <c>ecdsa-p256</c>, …; <c>other</c> for a key type Fulcrum does not serve (validation refuses it).</summary>
    public static string KeyTypeOf(X509Certificate2 x509)
    {
        using (var rsa = x509.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return $"rsa-{rsa.KeySize}";
            }
        }
        using (var ec = x509.GetECDsaPublicKey())
        {
            if (ec is not null)
            {
                return ec.KeySize switch
                {
                    256 => "ecdsa-p256",
                    384 => "ecdsa-p384",
                    521 => "ecdsa-p521",
                    _ => "other",
                };
            }
        }
        return "other";
    }

    /// <summary>Whole days until <see cref="NotAfter"/> (negative once expired).</summary>
    public int DaysLeft(DateTimeOffset now) => (int)Math.Floor((NotAfter - now).TotalDays);

    public bool Expiring(DateTimeOffset now) => NotAfter - now <= ExpiryWarning;

    /// <summary>What an operator should know although the certificate is accepted: expired, expiring, not yet valid.</summary>
    public ImmutableArray<string> Warnings(DateTimeOffset now)
    {
        var warnings = ImmutableArray.CreateBuilder<string>();
        if (NotAfter <= now)
        {
            warnings.Add($"expired on {NotAfter:yyyy-MM-dd HH:mm:ss}Z: clients will refuse it");
        }
        else if (Expiring(now))
        {
            warnings.Add($"expires on {NotAfter:yyyy-MM-dd HH:mm:ss}Z, in {DaysLeft(now)} day(s)");
        }
        if (NotBefore > now)
        {
            warnings.Add($"not valid before {NotBefore:yyyy-MM-dd HH:mm:ss}Z");
        }
        return warnings.ToImmutable();
    }
}
