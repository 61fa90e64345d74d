using System.Collections.Frozen;
using System.Net.Security;
using System.Security.Authentication;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A virtual's client-ssl profile compiled once per generation (off the loops): one ready
/// <see cref="SslServerAuthenticationOptions"/> per certificate, and the lookup that picks among them by the ClientHello
/// (exact SNI name, then the <c>*.</c> wildcard one label up, else the default certificate; where a name has both an
/// ECDSA and an RSA certificate, the ECDSA one for a client that can take it). A handshake only looks up.
/// </summary>
public sealed class ClientTlsMaterial
{
    private readonly FrozenDictionary<string, CertificatePair> _exact;
    private readonly FrozenDictionary<string, CertificatePair> _wildcard;
    private readonly CertificatePair _default;
    private FrozenDictionary<string, SslServerAuthenticationOptions> _byName = FrozenDictionary<string, SslServerAuthenticationOptions>.Empty;

    private ClientTlsMaterial(ClientSslProfile profile, ClientCertificateVerifier? verifier, SslServerAuthenticationOptions @default, CertificatePair defaultPair, FrozenDictionary<string, CertificatePair> exact, FrozenDictionary<string, CertificatePair> wildcard)
    {
        Profile = profile;
        Verifier = verifier;
        Default = @default;
        _default = defaultPair;
        _exact = exact;
        _wildcard = wildcard;
        HandshakeTimeoutMs = Math.Max(1, profile.HandshakeTimeout) * 1000L;
    }

    public ClientSslProfile Profile { get; }

    /// <summary>Options of the default certificate (no SNI, or a name no certificate covers).</summary>
    public SslServerAuthenticationOptions Default { get; }

    public long HandshakeTimeoutMs { get; }

    public int MaxHandshakes => Profile.MaxHandshakes;

    /// <summary>Client certificate authentication; null when the profile ignores client certificates.</summary>
    public ClientCertificateVerifier? Verifier { get; }

    /// <summary>The options of a certificate the profile lists, by the certificate object's name (a rule's choice); null when it lists none so named.</summary>
    public SslServerAuthenticationOptions? ByName(string certificate) => _byName.GetValueOrDefault(certificate);

    /// <summary>
    /// The options for <paramref name="serverName"/> (exact match, then <c>*.parent</c>, else the default), of the ECDSA
    /// certificate when the name has one and <paramref name="ecdsa"/> (the client can take it), else of the other.
    /// </summary>
    public SslServerAuthenticationOptions For(string? serverName, bool ecdsa)
    {
        var pair = _default;
        // SNI names are ASCII (A-labels) and case-insensitive; the lookups use an ignore-case comparer, no allocation.
        if (!string.IsNullOrEmpty(serverName) && !_exact.TryGetValue(serverName, out pair))
        {
            var dot = serverName.IndexOf('.');
            if (dot <= 0 || !_wildcard.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(serverName.AsSpan(dot + 1), out pair))
            {
                pair = _default;
            }
        }
        return (ecdsa ? pair.Ecdsa ?? pair.Other : pair.Other ?? pair.Ecdsa) ?? Default;
    }

    /// <summary>Builds the material of <paramref name="profile"/> from <paramref name="config"/>'s certificates (parses keys: not on a loop).</summary>
    public static ClientTlsMaterial Build(ClientSslProfile profile, FulcrumConfig config)
    {
        var protocols = Protocols(profile.Protocols);
        CipherSuitesPolicy? policy = null;
        // CipherSuitesPolicy exists on Linux and macOS; Fulcrum's data plane runs on Linux.
        if (profile.Ciphers is { } text && !OperatingSystem.IsWindows() && TlsCipherList.TryParse(text, out var suites, out _))
        {
            policy = new CipherSuitesPolicy(suites);
        }
        var verifier = BuildVerifier(profile, config);
        List<SslApplicationProtocol>? alpn = profile.Alpn.IsDefaultOrEmpty ? null : [.. profile.Alpn.Select(a => new SslApplicationProtocol(a))];
        SslServerAuthenticationOptions Options(TlsCertificate cert) => new()
        {
            ServerCertificateContext = cert.Context,
            EnabledSslProtocols = protocols,
            CipherSuitesPolicy = policy,
            ApplicationProtocols = alpn,
            // "request" and "require" both ask (CertificateRequest); the verifier decides whether none is acceptable.
            ClientCertificateRequired = verifier is not null,
            RemoteCertificateValidationCallback = verifier is null ? null : ClientCertificateVerifier.Callback,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            AllowTlsResume = true,
        };
        var defaultCert = TlsCertificate.Get(Find(config, profile.Certificate!), profile.OcspStapling);
        var @default = Options(defaultCert);
        var byName = new Dictionary<string, SslServerAuthenticationOptions>(StringComparer.Ordinal) { [profile.Certificate!] = @default };
        var exact = new Dictionary<string, CertificatePair>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, CertificatePair>(StringComparer.OrdinalIgnoreCase);
        // SNI certificates first (in the order listed), then the default's own names: per name and key type, the first
        // certificate naming a host wins; an ECDSA and an RSA certificate for one name make a pair.
        foreach (var name in profile.SniCertificates)
        {
            byName.TryAdd(name, Add(TlsCertificate.Get(Find(config, name), profile.OcspStapling), null));
        }
        Add(defaultCert, @default);
        // Without SNI (or for a name no certificate covers): the default certificate, paired with a certificate of the
        // other key type for the same name when the profile has one.
        var defaultPair = IsEcdsa(defaultCert) ? new CertificatePair(@default, null) : new CertificatePair(null, @default);
        if (defaultCert.Names.Length > 0 && Lookup(defaultCert.Names[0]) is { } named)
        {
            defaultPair = IsEcdsa(defaultCert) ? defaultPair with { Other = named.Other } : defaultPair with { Ecdsa = named.Ecdsa };
        }
        return new ClientTlsMaterial(profile, verifier, @default, defaultPair, exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), wildcard.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase))
        {
            _byName = byName.ToFrozenDictionary(StringComparer.Ordinal),
        };

        SslServerAuthenticationOptions Add(TlsCertificate cert, SslServerAuthenticationOptions? options)
        {
            options ??= Options(cert);
            foreach (var n in cert.Names)
            {
                var wild = n.StartsWith("*.", StringComparison.Ordinal);
                var map = wild ? wildcard : exact;
                var key = wild ? n[2..] : n;
                map.TryGetValue(key, out var pair);
                map[key] = IsEcdsa(cert) ? pair with { Ecdsa = pair.Ecdsa ?? options } : pair with { Other = pair.Other ?? options };
            }
            return options;
        }

        CertificatePair? Lookup(string n) => n.StartsWith("*.", StringComparison.Ordinal)
            ? wildcard.TryGetValue(n[2..], out var w) ? w : null
            : exact.TryGetValue(n, out var e) ? e : null;
    }

    private static bool IsEcdsa(TlsCertificate cert) => cert.KeyAlgorithm == "ECDSA";

    /// <summary>What one name is served with: an ECDSA certificate, another (RSA) one, or both.</summary>
    private readonly record struct CertificatePair(SslServerAuthenticationOptions? Ecdsa, SslServerAuthenticationOptions? Other);

    /// <summary>The client certificate check of <paramref name="profile"/>, or null for <c>ignore</c>. Reads the CRL file.</summary>
    public static ClientCertificateVerifier? BuildVerifier(ClientSslProfile profile, FulcrumConfig config)
    {
        if (profile.ClientCertificate == "ignore" || profile.CaCertificate is null)
        {
            return null;
        }
        var trusted = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        trusted.ImportFromPem(Find(config, profile.CaCertificate).Pem);
        var crl = profile.CrlFile is { } path ? CertificateRevocationList.Load(File.ReadAllBytes(path), trusted) : null;
        return new ClientCertificateVerifier(trusted, crl, profile.VerifyDepth, required: profile.ClientCertificate == "require");
    }

    public static SslProtocols Protocols(IEnumerable<string> names)
    {
        var p = SslProtocols.None;
        foreach (var n in names)
        {
            p |= n switch
            {
                "tls1.2" => SslProtocols.Tls12,
                "tls1.3" => SslProtocols.Tls13,
                _ => SslProtocols.None,
            };
        }
        return p;
    }

    private static Certificate Find(FulcrumConfig config, string name) =>
        ConfigKinds.Certificates.Find(config, name) as Certificate ?? throw new InvalidOperationException($"certificate '{name}' is not in the snapshot");
}
