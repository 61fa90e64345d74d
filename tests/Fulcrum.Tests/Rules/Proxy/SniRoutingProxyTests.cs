using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>
/// SNI routing without termination (rules/sni-routing.js on an L4 virtual): TLS members each answer their name after
/// a handshake that passes through the proxy untouched; real clients (.NET SslStream, openssl s_client) pick the member
/// by the server name they send, also when the hello arrives in small pieces; non-TLS input is closed cleanly with no
/// member connection.
/// </summary>
public sealed class SniRoutingProxyTests : RuleProxyTestBase, IClassFixture<ApplianceFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public SniRoutingProxyTests(ApplianceFixture f)
        : base(f)
    {
    }

    /// <summary>A TLS member that completes the handshake with its own certificate and sends its name.</summary>
    private static RawBackend TlsMember(string name, X509Certificate2 certificate) => new(async s =>
    {
        await using var ssl = new SslStream(new NetworkStream(s, ownsSocket: false));
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        await ssl.WriteAsync(Encoding.ASCII.GetBytes(name));
        await ssl.ShutdownAsync();
    });

    private async Task<(int Port, RawBackend Api, RawBackend Web, RawBackend Default)> Setup(X509Certificate2 certificate)
    {
        var api = TlsMember("api", certificate);
        var web = TlsMember("web", certificate);
        var other = TlsMember("default", certificate);
        await Pool("api", api.Port);
        await Pool("web", web.Port);
        await Pool("default", other.Port);
        await Rule("sni", Localize(Sample("sni-routing.js"), "api", "web", "default"));
        var port = await Virtual("default", "sni", profiles: "\"tcp\"");
        return (port, api, web, other);
    }

    /// <summary>The member's answer over a TLS session made through the proxy, with <paramref name="sni"/> (or none).</summary>
    private static async Task<string> AskAsync(int port, string? sni, int piece = 0)
    {
        using var cts = new CancellationTokenSource(Wait);
        var socket = await RawClient.ConnectAsync(port);
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (piece > 0)
        {
            stream = new PieceStream(stream, piece);
        }
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = sni ?? "" }, cts.Token);
        var buffer = new byte[64];
        var text = new StringBuilder();
        int n;
        while ((n = await ssl.ReadAsync(buffer, cts.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    [Fact]
    public async Task ServerNames_PickTheirPools_AndTheSessionStaysEndToEnd()
    {
        using var certificate = SelfSigned();
        var (port, api, web, other) = await Setup(certificate);
        await using var _a = api;
        await using var _w = web;
        await using var _d = other;

        Assert.Equal("api", await AskAsync(port, "api.example.com"));
        Assert.Equal("api", await AskAsync(port, "API.Example.com"));
        Assert.Equal("web", await AskAsync(port, "shop.example.com"));
        Assert.Equal("default", await AskAsync(port, null));
        Assert.Equal("default", await AskAsync(port, "other.test"));
    }

    [Fact]
    public async Task AHelloWrittenInSmallPieces_IsHeldUntilWhole()
    {
        using var certificate = SelfSigned();
        var (port, api, web, other) = await Setup(certificate);
        await using var _a = api;
        await using var _w = web;
        await using var _d = other;

        Assert.Equal("api", await AskAsync(port, "api.example.com", piece: 7));
        Assert.Equal("web", await AskAsync(port, "www.example.com", piece: 100));
    }

    [Fact]
    public async Task OpenSslClient_IsRoutedByItsServerName()
    {
        using var certificate = SelfSigned();
        var (port, api, web, other) = await Setup(certificate);
        await using var _a = api;
        await using var _w = web;
        await using var _d = other;

        var psi = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "www.example.com", "-quiet", "-ign_eof"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(Wait);
        var output = await p.StandardOutput.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);

        Assert.Equal("web", output.Trim());
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001\u0000\u0004\u0002\u0000\u0000\u0000")]   // a handshake record that is no ClientHello
    public async Task NotAClientHello_IsClosedCleanly_WithNoMemberConnection(string input)
    {
        using var certificate = SelfSigned();
        var (port, api, web, other) = await Setup(certificate);
        await using var _a = api;
        await using var _w = web;
        await using var _d = other;
        using var c = await RawClient.ConnectAsync(port);

        await Send(c, input);
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(Wait);
        var n = await c.ReceiveAsync(buffer, SocketFlags.None, cts.Token);

        Assert.Equal(0, n); // FIN, not a reset (a reset would throw)
        Assert.Equal(0, api.Connections + web.Connections + other.Connections);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sni-member", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes each buffer in pieces of at most <c>piece</c> bytes, each its own send (Nagle off): TCP segments that split the hello.</summary>
    private sealed class PieceStream(Stream inner, int piece) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < buffer.Length; i += piece)
            {
                await inner.WriteAsync(buffer.Slice(i, Math.Min(piece, buffer.Length - i)), cancellationToken);
                await inner.FlushAsync(cancellationToken);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
