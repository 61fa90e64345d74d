using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Fulcrum.Tests.Health;

/// <summary>What the test HTTP server answers.</summary>
public enum HttpMode
{
    Ok,
    Unavailable,
    WrongContent,
    Slow,
    Maintenance,
}

/// <summary>
/// A small HTTP/1.0 server on a fixed loopback port that can be stopped (port closed) and started again, with a switchable
/// answer; with a certificate it speaks TLS.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly X509Certificate2? _certificate;
    private Socket? _listener;
    private CancellationTokenSource? _stop;

    public TestHttpServer(bool tls = false, int? port = null, IPAddress? address = null)
    {
        Address = address ?? IPAddress.Loopback;
        Port = port ?? Infrastructure.FreePort.Next();
        _certificate = tls ? SelfSigned() : null;
        Start();
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public HttpMode Mode { get; set; } = HttpMode.Ok;

    public int Requests;

    public void Start()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(Address, Port));
        listener.Listen(512);
        _listener = listener;
        _stop = new CancellationTokenSource();
        _ = AcceptLoopAsync(listener, _stop.Token);
    }

    public void Stop()
    {
        _stop?.Cancel();
        _listener?.Dispose();
        _listener = null;
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(token);
            }
            catch (Exception)
            {
                return;
            }
            _ = ServeAsync(client, token);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken token)
    {
        using var _ = client;
        try
        {
            Stream stream = new NetworkStream(client, ownsSocket: false);
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(_certificate);
                stream = ssl;
            }
            await using (stream)
            {
                var buffer = new byte[4096];
                var head = new StringBuilder();
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, token);
                    if (n == 0)
                    {
                        return;
                    }
                    head.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }
                Interlocked.Increment(ref Requests);
                var mode = Mode;
                if (mode == HttpMode.Slow)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), token);
                }
                var (status, body) = mode switch
                {
                    HttpMode.Unavailable => ("503 Service Unavailable", "down for now"),
                    HttpMode.WrongContent => ("200 OK", "something else"),
                    HttpMode.Maintenance => ("503 Service Unavailable", "maintenance"),
                    _ => ("200 OK", "ok"),
                };
                var response = $"HTTP/1.0 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.Latin1.GetBytes(response), token);
            }
        }
        catch (Exception)
        {
            // Connection closed or server stopped.
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fulcrum-health-test", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _certificate?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A UDP server that answers <c>pong</c> to any datagram; stopped, its port is closed (ICMP port unreachable).</summary>
public sealed class TestUdpServer : IDisposable
{
    private Socket? _socket;

    public TestUdpServer()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Close();
        Start();
    }

    public int Port { get; }

    public bool Silent { get; set; }

    public void Start()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        _socket = socket;
        _ = LoopAsync(socket);
    }

    public void Stop()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private async Task LoopAsync(Socket socket)
    {
        var buffer = new byte[2048];
        while (true)
        {
            try
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
                if (!Silent)
                {
                    await socket.SendToAsync("pong"u8.ToArray(), r.RemoteEndPoint);
                }
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    public void Dispose() => Stop();
}
