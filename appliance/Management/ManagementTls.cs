using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fulcrum.Appliance.Management;

/// <summary>
/// The certificate the management listener serves HTTPS with: from PEM files (<c>--mgmt-cert</c>, <c>--mgmt-key</c>),
/// or self-signed (<c>--mgmt-self-signed</c>), made on the first start and kept beside the database so clients can
/// pin it. The chain is what followed the leaf in the certificate file.
/// </summary>
public sealed record ManagementTls(X509Certificate2 Certificate, X509Certificate2Collection Chain)
{
    public const string SelfSignedCertificateFile = "mgmt-self-signed.crt";
    public const string SelfSignedKeyFile = "mgmt-self-signed.key";

    /// <summary>A self-signed certificate this close to its end is replaced at start.</summary>
    private static readonly TimeSpan Renewal = TimeSpan.FromDays(30);

    public string FingerprintSha256 => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <exception cref="InvalidDataException">A file is missing, not PEM, or the key is not the certificate's; the message says which.</exception>
    public static ManagementTls FromFiles(string certificatePath, string keyPath)
    {
        foreach (var (path, what) in new[] { (certificatePath, "--mgmt-cert"), (keyPath, "--mgmt-key") })
        {
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"{what} {path}: no such file");
            }
        }
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"--mgmt-cert {certificatePath} with --mgmt-key {keyPath}: {ex.Message} (both must be PEM, the key unencrypted and the certificate's own)");
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"--mgmt-key {keyPath} does not belong to --mgmt-cert {certificatePath}, or is not a PEM private key: {ex.Message}");
        }
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }
        all[0].Dispose();
        return new ManagementTls(leaf, chain);
    }

    /// <summary>
    /// The self-signed certificate in <paramref name="dataDir"/>, made (ECDSA P-256, one year, names: localhost, the
    /// loopback addresses, the listener's address and the host name) when there is none or it is about to end.
    /// </summary>
    /// <param name="created">True when a new certificate was written.</param>
    public static ManagementTls SelfSigned(string dataDir, IPEndPoint endpoint, DateTimeOffset now, out bool created)
    {
        var certPath = Path.Combine(dataDir, SelfSignedCertificateFile);
        var keyPath = Path.Combine(dataDir, SelfSignedKeyFile);
        created = false;
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = FromFiles(certPath, keyPath);
            if (existing.Certificate.NotAfter.ToUniversalTime() - now.UtcDateTime > Renewal)
            {
                return existing;
            }
            existing.Certificate.Dispose();
        }
        Directory.CreateDirectory(dataDir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=Fulcrum management ({Environment.MachineName})", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (!endpoint.Address.Equals(IPAddress.Any) && !endpoint.Address.Equals(IPAddress.IPv6Any) && !IPAddress.IsLoopback(endpoint.Address))
        {
            names.AddIpAddress(endpoint.Address);
        }
        if (Uri.CheckHostName(Environment.MachineName) == UriHostNameType.Dns)
        {
            names.AddDnsName(Environment.MachineName);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using (var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(365)))
        {
            WriteOwnerOnly(keyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certPath, cert.ExportCertificatePem() + "\n");
        }
        created = true;
        return FromFiles(certPath, keyPath);
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(text);
    }
}
