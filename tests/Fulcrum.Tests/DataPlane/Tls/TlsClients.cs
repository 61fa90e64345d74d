using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>Real TLS clients for the data-plane tests: .NET's SslStream, openssl s_client and curl.</summary>
public static class TlsClients
{
    /// <summary>A .NET SslStream client on 127.0.0.1:<paramref name="port"/> with SNI <paramref name="sni"/> (none when null); the server certificate is captured, not checked.</summary>
    public static async Task<(SslStream Stream, X509Certificate2 ServerCertificate)> ConnectAsync(int port, string? sni, SslProtocols protocols = SslProtocols.None, X509Certificate2? clientCertificate = null)
    {
        var socket = await RawClient.ConnectAsync(port);
        X509Certificate2? seen = null;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = sni ?? "",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                seen = cert is null ? null : new X509Certificate2(cert);
                return true;
            },
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ssl.AuthenticateAsClientAsync(options, timeout.Token);
        return (ssl, seen!);
    }

    /// <summary>One HTTP/1.1 request over <paramref name="ssl"/>; the whole response (Connection: close).</summary>
    public static async Task<string> GetAsync(SslStream ssl, string host, string path = "/")
    {
        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        var all = new MemoryStream();
        await ssl.CopyToAsync(all).WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.Latin1.GetString(all.ToArray());
    }

    /// <summary>openssl s_client with <paramref name="args"/>; stdin closed at once (-ign_eof off), output and exit code ignored.</summary>
    public static Task<string> OpenSslAsync(int port, params string[] args) =>
        Shell.Run(false, "sh", "-c", $"echo | timeout 10 openssl s_client -connect 127.0.0.1:{port} {string.Join(' ', args)} 2>&1");

    /// <summary>What openssl printed as the negotiated cipher, or null when the handshake failed.</summary>
    public static string? Negotiated(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            var l = line.Trim();
            if (l.StartsWith("New, ", StringComparison.Ordinal) && l.Contains("Cipher is ", StringComparison.Ordinal))
            {
                var c = l[(l.IndexOf("Cipher is ", StringComparison.Ordinal) + 10)..].Trim();
                return c == "(NONE)" ? null : c;
            }
        }
        return null;
    }
}
