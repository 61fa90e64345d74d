using System.Collections.Frozen;
using System.Net.Security;
using System.Security.Authentication;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A virtual's client-ssl profile compiled once per generation (off the loops): one ready
/// <see cref="SslServerAuthenticationOptions"/> per certificate, and the SNI lookup that picks among them
/// (exact name, then the <c>*.</c> wildcard one label up, else the default certificate). A handshake only looks up.
/// </summary>
public sealed class ClientTlsMaterial
{
    private readonly FrozenDictionary<string, SslServerAuthenticationOptions> _exact;
    private readonly FrozenDictionary<string, SslServerAuthenticationOptions> _wildcard;

    private ClientTlsMaterial(ClientSslProfile profile, ClientCertificateVerifier? verifier, SslServerAuthenticationOptions @default, FrozenDictionary<string, SslServerAuthenticationOptions> exact, FrozenDictionary<string, SslServerAuthenticationOptions> wildcard)
    {
        Profile = profile;
        Verifier = verifier;
        Default = @default;
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

    /// <summary>SslStream's per-connection selection: the options for the SNI name the client sent.</summary>
    public static readonly ServerOptionsSelectionCallback Select = static (_, hello, state, _) =>
        ValueTask.FromResult(((ClientTlsMaterial)state!).For(hello.ServerName));

    /// <summary>The options for <paramref name="serverName"/>: exact match, then <c>*.parent</c>, else the default.</summary>
    public SslServerAuthenticationOptions For(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Default;
        }
        // SNI names are ASCII (A-labels) and case-insensitive; the lookups use an ignore-case comparer, no allocation.
        if (_exact.TryGetValue(serverName, out var options))
        {
            return options;
        }
        var dot = serverName.IndexOf('.');
        if (dot > 0 && _wildcard.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(serverName.AsSpan(dot + 1), out options))
        {
            return options;
        }
        return Default;
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
        var defaultCert = TlsCertificate.Get(Find(config, profile.Certificate!));
        var @default = Options(defaultCert);
        var exact = new Dictionary<string, SslServerAuthenticationOptions>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, SslServerAuthenticationOptions>(StringComparer.OrdinalIgnoreCase);
        // SNI certificates first (in the order listed), then the default's own names: the first certificate naming a host wins.
        foreach (var name in profile.SniCertificates)
        {
            Add(TlsCertificate.Get(Find(config, name)), null);
        }
        Add(defaultCert, @default);
        return new ClientTlsMaterial(profile, verifier, @default, exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), wildcard.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));

        void Add(TlsCertificate cert, SslServerAuthenticationOptions? options)
        {
            options ??= Options(cert);
            foreach (var n in cert.Names)
            {
                if (n.StartsWith("*.", StringComparison.Ordinal))
                {
                    wildcard.TryAdd(n[2..], options);
                }
                else
                {
                    exact.TryAdd(n, options);
                }
            }
        }
    }

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
