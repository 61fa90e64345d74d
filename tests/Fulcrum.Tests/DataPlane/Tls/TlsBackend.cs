using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Fulcrum.Tests.DataPlane.Tls;

/// <summary>An HTTPS member for re-encryption tests: SslStream server on loopback; answers every request with the SNI it was sent.</summary>
public sealed class TlsBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _cert;
    private readonly Task _accept;

    public TlsBackend(X509Certificate2 certificate)
    {
        _cert = certificate;
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<string> ServerNames { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        await using (var ssl = new SslStream(client.GetStream()))
        {
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _cert });
                var sni = ssl.TargetHostName ?? "";
                ServerNames.Enqueue(sni);
                var buffer = new byte[8192];
                var text = new StringBuilder();
                while (true)
                {
                    var n = await ssl.ReadAsync(buffer);
                    if (n == 0)
                    {
                        return;
                    }
                    text.Append(Encoding.Latin1.GetString(buffer, 0, n));
                    var s = text.ToString();
                    var end = s.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0)
                    {
                        continue;
                    }
                    Requests.Enqueue(s[..(end + 4)]);
                    text.Remove(0, end + 4);
                    var body = "sni=" + sni;
                    await ssl.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
                }
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accept;
    }
}
