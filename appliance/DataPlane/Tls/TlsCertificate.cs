using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A certificate object made ready for SslStream: the leaf with its key, the chain as an
/// <see cref="SslStreamCertificateContext"/> (built once: OpenSSL's context, and with it the session cache, hangs off it),
/// the DNS names it answers for and its key algorithm. Cached per config record, so a generation that did not change
/// the certificate reuses it (sessions survive unrelated config edits). Building parses PEM and keys: never on a loop.
/// </summary>
public sealed class TlsCertificate
{
    private static readonly ConditionalWeakTable<Certificate, TlsCertificate> Cache = new();
    private static readonly ConditionalWeakTable<Certificate, TlsCertificate> StaplingCache = new();

    private TlsCertificate(Certificate config, SslStreamCertificateContext context, X509Certificate2 leaf, string[] names, string keyAlgorithm)
    {
        Config = config;
        Context = context;
        Leaf = leaf;
        Names = names;
        KeyAlgorithm = keyAlgorithm;
    }

    public Certificate Config { get; }

    public SslStreamCertificateContext Context { get; }

    public X509Certificate2 Leaf { get; }

    /// <summary>DNS names from the subject alternative names (the subject's CN when there are none), lower case; <c>*.x</c> for wildcards.</summary>
    public string[] Names { get; }

    /// <summary><c>RSA</c> or <c>ECDSA</c> (or another key algorithm's name).</summary>
    public string KeyAlgorithm { get; }

    /// <summary>The ready certificate of <paramref name="config"/> (it has a key: validation guarantees it for client-ssl).</summary>
    /// <param name="staple">
    /// Whether handshakes staple the certificate's OCSP response: .NET fetches it from the responder the certificate
    /// names, in the background, once its chain reaches a root, and refreshes it; a certificate without one staples nothing.
    /// A stapling context is a context of its own (its own session cache), so each certificate has at most two.
    /// </param>
    public static TlsCertificate Get(Certificate config, bool staple = false) =>
        staple ? StaplingCache.GetValue(config, c => Build(c, offline: false)) : Cache.GetValue(config, c => Build(c, offline: true));

    /// <summary>The http OCSP responder URLs a certificate's authority information access names (what stapling fetches from).</summary>
    public static string[] OcspResponders(string pem)
    {
        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return []; // not a certificate: the certificate's own validation says so
        }
        using var _ = cert;
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509AuthorityInformationAccessExtension aia)
            {
                return [.. aia.EnumerateOcspUris().Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase))];
            }
        }
        return [];
    }

    /// <summary>Names and key algorithm only, for validation (no key needed).</summary>
    public static (string[] Names, string KeyAlgorithm) Describe(string pem)
    {
        using var cert = X509Certificate2.CreateFromPem(pem);
        return (DnsNames(cert), KeyAlgorithmOf(cert));
    }

    private static TlsCertificate Build(Certificate config, bool offline)
    {
        var leaf = config.Key is null ? X509Certificate2.CreateFromPem(config.Pem) : X509Certificate2.CreateFromPem(config.Pem, config.Key);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(config.Pem);
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }
        // offline: the chain is what the PEM says (plus the system's roots). Not offline: a missing intermediate may be
        // fetched by AIA here (built off the loops, when a generation is published), and on Linux the OCSP staple is
        // fetched in the background once the chain reaches a root.
        var context = SslStreamCertificateContext.Create(leaf, chain, offline);
        return new TlsCertificate(config, context, leaf, DnsNames(leaf), KeyAlgorithmOf(leaf));
    }

    private static string KeyAlgorithmOf(X509Certificate2 cert) => cert.PublicKey.Oid.Value switch
    {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.2.840.10045.2.1" => "ECDSA",
        _ => cert.PublicKey.Oid.FriendlyName ?? cert.PublicKey.Oid.Value ?? "unknown",
    };

    private static string[] DnsNames(X509Certificate2 cert)
    {
        var names = new List<string>();
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames().Select(n => n.ToLowerInvariant()));
            }
        }
        if (names.Count == 0 && cert.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } cn)
        {
            names.Add(cn.ToLowerInvariant());
        }
        return [.. names.Distinct(StringComparer.Ordinal)];
    }
}
