using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Certificates parse as PEM and, with a key, the key matches. Results are cached per record, which later generations share while unchanged.</summary>
internal sealed class CertificateValidator : IConfigValidator
{
    private static readonly ConditionalWeakTable<Certificate, string[]> Cache = new();

    public void Validate(ValidationContext context)
    {
        foreach (var c in context.Config.Certificates)
        {
            foreach (var problem in Cache.GetValue(c, Check))
            {
                context.Add($"certificates/{c.Name}/{(problem.StartsWith("key", StringComparison.Ordinal) ? "key" : "pem")}", problem);
            }
        }
    }

    private static string[] Check(Certificate c)
    {
        if (c.Pem.Length > StringLimits.Pem || c.Key is { Length: > StringLimits.Key })
        {
            // StringFieldsValidator reports the length; parsing an oversized PEM would only cost time.
            return [];
        }
        try
        {
            using var cert = X509Certificate2.CreateFromPem(c.Pem);
            if (c.Key is null)
            {
                return [];
            }
            try
            {
                using var withKey = X509Certificate2.CreateFromPem(c.Pem, c.Key);
                return [];
            }
            catch (CryptographicException ex)
            {
                return [$"key does not parse or does not match the certificate: {ex.Message}"];
            }
            catch (ArgumentException ex)
            {
                return [$"key is not a PEM private key: {ex.Message}"];
            }
        }
        catch (CryptographicException ex)
        {
            return [$"pem is not a PEM certificate: {ex.Message}"];
        }
        catch (ArgumentException ex)
        {
            return [$"pem is not a PEM certificate: {ex.Message}"];
        }
    }
}
