using System.Security.Cryptography;

namespace Fulcrum.Appliance.Config.Bundles.Signing;

/// <summary>Public-key helpers: a signer is named by the SHA-256 of its SubjectPublicKeyInfo, as hex.</summary>
public static class SignerKeys
{
    public static string Fingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Reads a P-256 public key from PEM (<c>BEGIN PUBLIC KEY</c>) or base64 DER; null when it is not one.</summary>
    public static byte[]? ParseP256(string text)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                ecdsa.ImportFromPem(text);
            }
            else
            {
                ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(text.Trim()), out _);
            }
            if (ecdsa.KeySize != 256 || ecdsa.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                return null;
            }
            return ecdsa.ExportSubjectPublicKeyInfo();
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    public static string ToPem(byte[] subjectPublicKeyInfo) => PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo);
}
