using System.Collections.Frozen;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A CRL file (PEM or DER, RFC 5280 §5) read into the set of revoked serial numbers of one issuer. .NET on Linux takes
/// CRLs only from its own cache directory, so the client-ssl profile's <c>crlFile</c> is read here, once per
/// generation, and checked against each client certificate's issuer and serial. The signature is verified against the
/// trusted CA that issued it; a CRL no trusted CA signed is refused when the plan is built.
/// </summary>
public sealed class CertificateRevocationList
{
    private readonly FrozenSet<string> _serials;

    private CertificateRevocationList(X500DistinguishedName issuer, FrozenSet<string> serials, DateTimeOffset? nextUpdate)
    {
        Issuer = issuer;
        _serials = serials;
        NextUpdate = nextUpdate;
    }

    public X500DistinguishedName Issuer { get; }

    public DateTimeOffset? NextUpdate { get; }

    public int Count => _serials.Count;

    /// <summary>Whether <paramref name="cert"/> is on this list (same issuer, same serial).</summary>
    public bool IsRevoked(X509Certificate2 cert) =>
        cert.IssuerName.RawData.AsSpan().SequenceEqual(Issuer.RawData) && _serials.Contains(Normalize(cert.GetSerialNumber(), littleEndian: true));

    /// <summary>Parses <paramref name="data"/> (PEM <c>X509 CRL</c> or DER) and checks its signature against one of <paramref name="trusted"/>.</summary>
    public static CertificateRevocationList Load(byte[] data, X509Certificate2Collection trusted)
    {
        var der = data;
        var text = System.Text.Encoding.ASCII.GetString(data);
        if (text.Contains("-----BEGIN X509 CRL-----", StringComparison.Ordinal))
        {
            var fields = PemEncoding.Find(text);
            der = Convert.FromBase64String(text[fields.Base64Data]);
        }
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbsEncoded = outer.PeekEncodedValue().ToArray();
        var tbs = outer.ReadSequence();
        var algorithm = outer.ReadSequence().ReadObjectIdentifier();
        var signature = outer.ReadBitString(out _);

        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger(); // version
        }
        tbs.ReadSequence(); // signature algorithm (repeated inside)
        var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
        ReadTime(tbs); // thisUpdate
        DateTimeOffset? nextUpdate = null;
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            nextUpdate = ReadTime(tbs);
        }
        var serials = new HashSet<string>(StringComparer.Ordinal);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                serials.Add(Normalize(entry.ReadIntegerBytes().ToArray(), littleEndian: false));
            }
        }
        var signer = trusted.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(issuer.RawData))
            ?? throw new CryptographicException($"the CRL's issuer '{issuer.Name}' is not one of the trusted CA certificates");
        if (!Verify(signer, algorithm, tbsEncoded, signature))
        {
            throw new CryptographicException($"the CRL's signature does not verify with '{signer.Subject}'");
        }
        return new CertificateRevocationList(issuer, serials.ToFrozenSet(StringComparer.Ordinal), nextUpdate);
    }

    private static bool Verify(X509Certificate2 signer, string algorithm, byte[] tbs, byte[] signature)
    {
        var hash = algorithm switch
        {
            "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => throw new CryptographicException($"the CRL's signature algorithm {algorithm} is not supported (RSA or ECDSA with SHA-256/384/512)"),
        };
        if (signer.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                return ec.VerifyData(tbs, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }
        }
        if (signer.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return rsa.VerifyData(tbs, signature, hash, RSASignaturePadding.Pkcs1);
            }
        }
        return false;
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    /// <summary>A serial as upper-case hex without leading zero bytes, whichever byte order it came in.</summary>
    private static string Normalize(byte[] serial, bool littleEndian)
    {
        var value = new BigInteger(serial, isUnsigned: true, isBigEndian: !littleEndian);
        return value.ToString("X", System.Globalization.CultureInfo.InvariantCulture).TrimStart('0');
    }
}
