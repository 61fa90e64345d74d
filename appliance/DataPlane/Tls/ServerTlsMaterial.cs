using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A virtual's server-ssl profile compiled once per generation (off the loops): protocols, cipher policy, the client
/// certificate shown to members, and the member certificate check (the CA bundle and the name, or none). Each server
/// connection only makes its options with the SNI name it sends.
/// </summary>
public sealed class ServerTlsMaterial
{
    private static long _built;
    private readonly X509Certificate2Collection? _trusted;
    private readonly string _id = "tls" + Interlocked.Increment(ref _built).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ServerTlsMaterial(ServerSslProfile profile, System.Security.Authentication.SslProtocols protocols, CipherSuitesPolicy? policy, SslStreamCertificateContext? clientCertificate, X509Certificate2Collection? trusted)
    {
        Profile = profile;
        Protocols = protocols;
        Policy = policy;
        ClientCertificate = clientCertificate;
        _trusted = trusted;
        Validate = profile.VerifyServer ? VerifyMember : static (_, _, _, _) => true;
    }

    public ServerSslProfile Profile { get; }

    public System.Security.Authentication.SslProtocols Protocols { get; }

    public CipherSuitesPolicy? Policy { get; }

    public SslStreamCertificateContext? ClientCertificate { get; }

    public RemoteCertificateValidationCallback Validate { get; }

    /// <summary>Options for one server connection: SNI is the profile's <c>serverName</c>, else the client's own SNI, else none.</summary>
    public SslClientAuthenticationOptions Options(string? clientSni) => new()
    {
        TargetHost = Profile.ServerName ?? clientSni ?? "",
        EnabledSslProtocols = Protocols,
        CipherSuitesPolicy = Policy,
        ClientCertificateContext = ClientCertificate,
        RemoteCertificateValidationCallback = Validate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        AllowRenegotiation = false,
    };

    /// <summary>The SNI a connection of <paramref name="ctx"/> sends to members (null: none).</summary>
    public string? SniFor(Pipeline.ProxyContext ctx) =>
        Profile.ServerName ?? ((ctx.Client.Stream as ClientTlsStream)?.TargetHostName is { Length: > 0 } sni ? sni : null);

    /// <summary>
    /// The OneConnect key part for <paramref name="ctx"/>'s server connections: which compiled profile (so a config
    /// change never hands out a connection made with older certificates) and which SNI; empty without server-ssl.
    /// </summary>
    public static string IdentityOf(Pipeline.ProxyContext ctx) =>
        ctx.Plan.ServerTls is { } tls ? tls._id + "|" + tls.SniFor(ctx) : ctx.Plan.Runtime.ServerSsl is null ? "" : "unloaded";

    public static ServerTlsMaterial Build(ServerSslProfile profile, FulcrumConfig config)
    {
        CipherSuitesPolicy? policy = null;
        if (profile.Ciphers is { } text && !OperatingSystem.IsWindows() && TlsCipherList.TryParse(text, out var suites, out _))
        {
            policy = new CipherSuitesPolicy(suites);
        }
        var client = profile.Certificate is { } name ? TlsCertificate.Get(Find(config, name)).Context : null;
        X509Certificate2Collection? trusted = null;
        if (profile.CaCertificate is { } ca)
        {
            trusted = [];
            trusted.ImportFromPem(Find(config, ca).Pem);
        }
        return new ServerTlsMaterial(profile, ClientTlsMaterial.Protocols(profile.Protocols), policy, client, trusted);
    }

    /// <summary>
    /// The member's chain against the profile's CA bundle (the system's CAs without one), no downloads, and the name
    /// SslStream checked against the SNI sent (RemoteCertificateNameMismatch), unless no name was sent.
    /// </summary>
    private bool VerifyMember(object sender, X509Certificate? certificate, X509Chain? sent, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 && !string.IsNullOrEmpty(((SslStream)sender).TargetHostName))
        {
            return false;
        }
        var cert = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        if (_trusted is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_trusted);
        }
        if (sent is not null)
        {
            foreach (var element in sent.ChainElements)
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(cert);
    }

    private static Certificate Find(FulcrumConfig config, string name) =>
        ConfigKinds.Certificates.Find(config, name) as Certificate ?? throw new InvalidOperationException($"certificate '{name}' is not in the snapshot");
}
