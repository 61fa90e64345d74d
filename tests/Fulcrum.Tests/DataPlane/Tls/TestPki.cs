using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>A test certificate authority (made with CertificateRequest) issuing RSA or ECDSA leaves; its PEM in a file for curl and openssl.</summary>
public sealed class TestPki : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly ECDsa _caKey;
    private readonly string _dir;

    public TestPki(string name = "Fulcrum Test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _caKey = key;
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        _dir = Directory.CreateTempSubdirectory("fulcrum-pki-").FullName;
        CaPem = _ca.ExportCertificatePem();
        CaFile = Path.Combine(_dir, "ca.pem");
        File.WriteAllText(CaFile, CaPem);
    }

    public X509Certificate2 Ca => _ca;

    public string CaPem { get; }

    public string CaFile { get; }

    /// <summary>A leaf for <paramref name="names"/> (the first is the CN), RSA 2048 or ECDSA P-256; PEM of the leaf then the CA, and the key.</summary>
    public (string Pem, string Key, X509Certificate2 Cert) Issue(bool ecdsa, params string[] names) => Issue(ecdsa, serverAuth: true, DateTimeOffset.UtcNow.AddDays(30), names);

    public (string Pem, string Key, X509Certificate2 Cert) Issue(bool ecdsa, bool serverAuth, DateTimeOffset notAfter, params string[] names) =>
        Issue(ecdsa, serverAuth, notAfter, ocspUrl: null, names);

    /// <summary>An ECDSA leaf for <paramref name="name"/> whose authority information access names <paramref name="ocspUrl"/> as its OCSP responder.</summary>
    public (string Pem, string Key, X509Certificate2 Cert) IssueWithOcsp(string ocspUrl, string name) =>
        Issue(ecdsa: true, serverAuth: true, DateTimeOffset.UtcNow.AddDays(30), ocspUrl, [name]);

    private (string Pem, string Key, X509Certificate2 Cert) Issue(bool ecdsa, bool serverAuth, DateTimeOffset notAfter, string? ocspUrl, string[] names)
    {
        AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = ecdsa
            ? new CertificateRequest($"CN={names[0]}", (ECDsa)key, HashAlgorithmName.SHA256)
            : new CertificateRequest($"CN={names[0]}", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names)
        {
            san.AddDnsName(n);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (ocspUrl is not null)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([ocspUrl], null));
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        // The CA is ECDSA; an RSA leaf needs the signature generator overload.
        var cert = request.Create(_ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), DateTimeOffset.UtcNow.AddDays(-1), notAfter, serial);
        var keyPem = ecdsa ? ((ECDsa)key).ExportPkcs8PrivateKeyPem() : ((RSA)key).ExportPkcs8PrivateKeyPem();
        var withKey = ecdsa ? cert.CopyWithPrivateKey((ECDsa)key) : cert.CopyWithPrivateKey((RSA)key);
        return (cert.ExportCertificatePem() + "\n" + CaPem, keyPem, withKey);
    }

    /// <summary>Stores a certificate object through the API.</summary>
    public static Task CertificateAsync(ApiClient api, string name, string pem, string? key) =>
        DataPlaneApi.Ok(api.Post("/api/v1/certificates", JsonSerializer.Serialize(new { name, pem, key })));

    /// <summary>A PEM CRL signed by this CA listing <paramref name="revoked"/>, written to a file; its path.</summary>
    public string CrlFile(string name, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var cert in revoked)
        {
            builder.AddEntry(cert, DateTimeOffset.UtcNow.AddMinutes(-5));
        }
        var der = builder.Build(_ca, System.Numerics.BigInteger.One, DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256);
        return WriteFile(name, PemEncoding.WriteString("X509 CRL", der));
    }

    /// <summary>
    /// An OCSP responder for this CA on 127.0.0.1:<paramref name="port"/>, listing <paramref name="good"/> as valid:
    /// a loopback HTTP listener taking RFC 6960 GET requests (what .NET sends), each answered by <c>openssl ocsp</c> as a
    /// file responder (signed by the CA itself, next update in a day). Dispose stops it.
    /// </summary>
    public IAsyncDisposable OcspResponder(int port, params X509Certificate2[] good)
    {
        var index = string.Concat(good.Select(c =>
            $"V\t{c.NotAfter.ToUniversalTime():yyMMddHHmmss}Z\t\t{c.SerialNumber}\tunknown\t/{c.Subject.Replace(", ", "/", StringComparison.Ordinal)}\n"));
        var indexFile = WriteFile("ocsp-index.txt", index);
        var keyFile = WriteFile("ca.key", _caKey.ExportPkcs8PrivateKeyPem());
        return new OcspFileResponder(port, _dir, $"ocsp -index {indexFile} -rsigner {CaFile} -rkey {keyFile} -CA {CaFile} -ndays 1");
    }

    private sealed class OcspFileResponder : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener;
        private readonly Task _serving;
        private int _served;

        public OcspFileResponder(int port, string dir, string arguments)
        {
            _listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            _listener.Start();
            _serving = ServeAsync(dir, arguments);
        }

        private async Task ServeAsync(string dir, string arguments)
        {
            while (true)
            {
                System.Net.Sockets.TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    return;
                }
                using (client)
                {
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[8192];
                    while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await stream.ReadAsync(buffer);
                        if (n == 0)
                        {
                            break;
                        }
                        head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    // GET /{url-encoded base64 of the DER request} HTTP/1.1
                    var path = head.ToString().Split(' ')[1].TrimStart('/');
                    var id = Interlocked.Increment(ref _served);
                    var request = Path.Combine(dir, $"ocsp-req-{id}.der");
                    var response = Path.Combine(dir, $"ocsp-resp-{id}.der");
                    await File.WriteAllBytesAsync(request, Convert.FromBase64String(Uri.UnescapeDataString(path)));
                    await Shell.Run(false, "openssl", [.. $"{arguments} -reqin {request} -respout {response}".Split(' ')]);
                    var body = await File.ReadAllBytesAsync(response);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(body);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving;
        }
    }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
