using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fulcrum.Appliance.Config.Certificates;
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
            var keyType = CertificateFacts.KeyTypeOf(cert);
            if (keyType == "other")
            {
                return ["pem holds a certificate whose public key is neither RSA nor ECDSA (P-256, P-384, P-521)"];
            }
            if (keyType.StartsWith("rsa-", StringComparison.Ordinal) && int.Parse(keyType.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture) < 2048)
            {
                // OpenSSL's default security level refuses such keys in a handshake: refused here rather than failing there.
                return [$"pem holds an RSA key of {keyType[4..]} bits; at least 2048 are needed"];
            }
            if (ChainProblem(c.Pem) is { } chain)
            {
                return [chain];
            }
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

    /// <summary>
    /// The chain must run leaf first, each certificate followed by its issuer (by name), as TLS sends it: a server
    /// that sends it out of order fails with some clients only, which is hard to find later.
    /// </summary>
    private static string? ChainProblem(string pem)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(pem);
            for (var i = 0; i + 1 < chain.Count; i++)
            {
                if (!chain[i].IssuerName.RawData.AsSpan().SequenceEqual(chain[i + 1].SubjectName.RawData))
                {
                    return $"pem chain is out of order: certificate {i + 1} ({chain[i].Subject}) is issued by {chain[i].Issuer}, but certificate {i + 2} is {chain[i + 1].Subject}; put the leaf first, then each issuer";
                }
            }
            return null;
        }
        finally
        {
            foreach (var c in chain)
            {
                c.Dispose();
            }
        }
    }
}
