using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Fulcrum.Appliance.Config.Certificates;

/// <summary>
/// Turns a PKCS#12 file (as the API's <c>pkcs12</c> field: base64, with <c>passphrase</c>) into the PEM chain and PEM
/// key a certificate is stored as. The leaf is the certificate that has the private key; the chain follows it by
/// issuer name, and certificates of the file that are not in that chain are left out.
/// </summary>
public static class Pkcs12Import
{
    /// <summary>Base64 of a PKCS#12 file may not exceed the PEM limit's worth of data.</summary>
    public const int MaxBase64Chars = 256 * 1024;

    public readonly record struct Result(string? Pem, string? Key, string? Field, string? Problem);

    public static Result Convert(string base64, string? passphrase)
    {
        if (base64.Length > MaxBase64Chars)
        {
            return Fail("pkcs12", $"is longer than {MaxBase64Chars} characters");
        }
        byte[] data;
        try
        {
            data = System.Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return Fail("pkcs12", "is not base64");
        }
        if (!IsPkcs12(data))
        {
            return Fail("pkcs12", "is not a PKCS#12 (.p12/.pfx) file");
        }
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(data, passphrase ?? "", X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            // The MAC check fails first on a wrong passphrase; a damaged file fails the same way and is told apart
            // only by trying, which the caller can do with the right passphrase.
            return Fail("passphrase", passphrase is null ? "the PKCS#12 file needs a passphrase" : "does not open the PKCS#12 file (wrong passphrase, or a damaged file)");
        }
        try
        {
            var leaf = all.FirstOrDefault(c => c.HasPrivateKey);
            if (leaf is null)
            {
                return Fail("pkcs12", "holds no private key; upload the certificate as pem instead");
            }
            var key = KeyPem(leaf);
            if (key is null)
            {
                return Fail("pkcs12", "holds a key that is neither RSA nor ECDSA");
            }
            var pem = new StringBuilder(leaf.ExportCertificatePem()).Append('\n');
            var current = leaf;
            var used = new HashSet<X509Certificate2> { leaf };
            while (!current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)
                   && all.FirstOrDefault(c => !used.Contains(c) && c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)) is { } issuer)
            {
                pem.Append(issuer.ExportCertificatePem()).Append('\n');
                used.Add(issuer);
                current = issuer;
            }
            return new Result(pem.ToString(), key, null, null);
        }
        finally
        {
            foreach (var c in all)
            {
                c.Dispose();
            }
        }
    }

    private static bool IsPkcs12(byte[] data)
    {
        try
        {
            return data.Length > 0 && X509Certificate2.GetCertContentType(data) == X509ContentType.Pkcs12;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string? KeyPem(X509Certificate2 cert)
    {
        using (var rsa = cert.GetRSAPrivateKey())
        {
            if (rsa is not null)
            {
                return rsa.ExportPkcs8PrivateKeyPem();
            }
        }
        using (var ec = cert.GetECDsaPrivateKey())
        {
            return ec?.ExportPkcs8PrivateKeyPem();
        }
    }

    private static Result Fail(string field, string problem) => new(null, null, field, problem);
}
