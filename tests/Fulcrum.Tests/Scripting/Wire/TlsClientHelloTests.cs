using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Fulcrum.Scripting.Wire.Tls;

namespace Fulcrum.Tests.Scripting.Wire;

/// <summary>
/// The ClientHello parser on hellos captured from real clients (.NET's SslStream, openssl s_client) and on built
/// ones: every truncated prefix is Incomplete with a sound lower bound, any record fragmentation parses the same,
/// and malformed input is Invalid with its reason.
/// </summary>
public sealed class TlsClientHelloTests
{
    [Fact]
    public async Task DotNetClient_SniAlpnAndVersions()
    {
        var bytes = await CaptureDotNetHelloAsync("WWW.Example.COM", ["h2", "http/1.1"]);

        Assert.Equal(ClientHelloParse.Ok, TlsClientHello.TryParse(bytes, out var hello));
        Assert.Equal("www.example.com", hello!.ServerName);
        Assert.Equal(["h2", "http/1.1"], hello.Alpn);
        Assert.Contains((ushort)0x0304, hello.Versions);
        Assert.Contains((ushort)0x0303, hello.Versions);
        Assert.NotEmpty(hello.CipherSuites);
        Assert.Equal(bytes.Length, hello.Length);
        Assert.True(hello.OffersEcdsa);
    }

    [Fact]
    public async Task OpenSslRsaOnlyTls12Client_DoesNotOfferEcdsa()
    {
        var bytes = await CaptureOpenSslHelloAsync("-servername", "rsa.example", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-sigalgs", "RSA+SHA256:RSA-PSS+SHA256", "-alpn", "http/1.1");

        Assert.Equal(ClientHelloParse.Ok, TlsClientHello.TryParse(bytes, out var hello));
        Assert.Equal("rsa.example", hello!.ServerName);
        Assert.Equal(["tls1.2"], hello.Versions.Select(TlsClientHello.VersionName));
        Assert.False(hello.OffersEcdsa);
    }

    [Fact]
    public async Task OpenSslTls13Client_OffersEcdsaAndNoSniWithoutServername()
    {
        var bytes = await CaptureOpenSslHelloAsync("-noservername", "-tls1_3");

        Assert.Equal(ClientHelloParse.Ok, TlsClientHello.TryParse(bytes, out var hello));
        Assert.Null(hello!.ServerName);
        Assert.Equal(["tls1.3"], hello.Versions.Select(TlsClientHello.VersionName));
        Assert.True(hello.OffersEcdsa);
    }

    [Fact]
    public async Task EveryTruncatedPrefix_IsIncomplete_WithALowerBoundThatNeverOvershoots()
    {
        var bytes = await CaptureDotNetHelloAsync("a.example", ["http/1.1"]);

        for (var n = 0; n < bytes.Length; n++)
        {
            var result = TlsClientHello.TryParse(bytes.AsSpan(0, n), out _, out var needed, out _);
            Assert.True(result == ClientHelloParse.Incomplete, $"prefix {n}: {result}");
            Assert.InRange(needed, n + 1, bytes.Length);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    public void FragmentedOverRecords_ParsesTheSame_AndEveryPrefixIsIncomplete(int fragment)
    {
        var records = Records(Hello(sni: "frag.example", alpn: ["h2", "http/1.1"]), fragment);

        Assert.Equal(ClientHelloParse.Ok, TlsClientHello.TryParse(records, out var hello));
        Assert.Equal("frag.example", hello!.ServerName);
        Assert.Equal(["h2", "http/1.1"], hello.Alpn);
        Assert.Equal(records.Length, hello.Length);
        for (var n = 0; n < records.Length; n++)
        {
            Assert.Equal(ClientHelloParse.Incomplete, TlsClientHello.TryParse(records.AsSpan(0, n), out _, out var needed, out _));
            Assert.InRange(needed, n + 1, records.Length);
        }
    }

    [Fact]
    public void BytesAfterTheHello_AreNotCounted()
    {
        var records = Records(Hello(sni: "a.example"), 16384);
        var more = records.Concat(new byte[] { 0x14, 3, 3, 0, 1, 1 }).ToArray();

        Assert.Equal(ClientHelloParse.Ok, TlsClientHello.TryParse(more, out var hello));
        Assert.Equal(records.Length, hello!.Length);
    }

    [Fact]
    public void GreaseValues_AreLeftOut()
    {
        var records = Records(Hello(sni: "g.example", versions: [0x7a7a, 0x0304, 0x0303], suites: [0x1a1a, 0x1301, 0xc02b]), 16384);

        Assert.Equal(ClientHelloParse.Ok, TlsClientHello.TryParse(records, out var hello));
        Assert.Equal([(ushort)0x0304, (ushort)0x0303], hello!.Versions);
        Assert.Equal([(ushort)0x1301, (ushort)0xc02b], hello.CipherSuites);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", ClientHelloError.NotHandshake)]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n", ClientHelloError.NotHandshake)]
    [InlineData("G", ClientHelloError.NotHandshake)]
    public void PlainText_IsNotAHandshake(string text, ClientHelloError reason)
    {
        Assert.Equal(ClientHelloParse.Invalid, TlsClientHello.TryParse(Encoding.ASCII.GetBytes(text), out _, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Invalid_Cases_SayWhy()
    {
        Assert.Equal(ClientHelloError.NotHandshake, Error([0x15, 3, 3, 0, 2, 2, 40]));                      // an alert
        Assert.Equal(ClientHelloError.BadRecord, Error([0x16, 2, 0]));                                       // not 3.x
        Assert.Equal(ClientHelloError.BadRecord, Error([0x16, 3, 1, 0x40, 0x01]));                           // 2^14 + 1
        Assert.Equal(ClientHelloError.BadRecord, Error([0x16, 3, 1, 0, 0]));                                 // empty record
        Assert.Equal(ClientHelloError.NotClientHello, Error([0x16, 3, 3, 0, 4, 2, 0, 0, 0]));                // a ServerHello
        Assert.Equal(ClientHelloError.TooLong, Error([0x16, 3, 1, 0, 4, 1, 0x10, 0, 0]));                    // 1 MiB hello
        Assert.Equal(ClientHelloError.BadServerName, Error(Records(Hello(sni: "bad name.example"), 16384)));
        Assert.Equal(ClientHelloError.BadServerName, Error(Records(Hello(sni: "trailing.dot."), 16384)));
        Assert.Equal(ClientHelloError.BadServerName, Error(Records(Hello(sni: "a..b"), 16384)));
        Assert.Equal(ClientHelloError.DuplicateExtension, Error(Records(Hello(sni: "a.example", duplicateSni: true), 16384)));
        var hello = Hello(sni: "a.example");
        hello[^1] ^= 0xff; // a length no longer matches what encloses it
        Assert.Equal(ClientHelloError.Malformed, Error(Records(Truncate(hello, 3), 16384)));
        // A non-handshake record between fragments of the hello.
        var split = Records(Hello(sni: "a.example"), 20);
        var mixed = split.Take(25).Concat(new byte[] { 0x17, 3, 3, 0, 1, 0 }).Concat(split.Skip(25)).ToArray();
        Assert.Equal(ClientHelloError.Malformed, Error(mixed));
    }

    [Fact]
    public void RandomNoise_NeverThrows()
    {
        var random = new Random(12345);
        var valid = Records(Hello(sni: "n.example", alpn: ["h2"]), 9);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            var result = TlsClientHello.TryParse(bytes.AsSpan(0, random.Next(bytes.Length + 1)), out var h, out var needed, out var error);
            Assert.True(result != ClientHelloParse.Ok || h is not null);
            Assert.True(result != ClientHelloParse.Invalid || error != ClientHelloError.None);
            Assert.True(result != ClientHelloParse.Incomplete || needed > 0);
        }
    }

    private static ClientHelloError Error(byte[] bytes)
    {
        Assert.Equal(ClientHelloParse.Invalid, TlsClientHello.TryParse(bytes, out _, out _, out var error));
        return error;
    }

    private static byte[] Truncate(byte[] hello, int by)
    {
        // Shortens the message but keeps its header's length: the header then claims bytes that are not there,
        // so the message is re-headed with its true length and the inner lengths disagree.
        var body = hello.AsSpan(4, hello.Length - 4 - by).ToArray();
        var m = new byte[4 + body.Length];
        m[0] = 1;
        m[1] = (byte)(body.Length >> 16);
        m[2] = (byte)(body.Length >> 8);
        m[3] = (byte)body.Length;
        body.CopyTo(m, 4);
        return m;
    }

    /// <summary>A ClientHello handshake message (header included).</summary>
    internal static byte[] Hello(string? sni = null, string[]? alpn = null, ushort[]? versions = null, ushort[]? suites = null, bool duplicateSni = false)
    {
        var b = new List<byte>();
        U16(b, 0x0303);
        b.AddRange(new byte[32]);
        b.Add(0);
        suites ??= [0x1301, 0x1302, 0xc02f, 0xc02b];
        U16(b, suites.Length * 2);
        foreach (var s in suites) { U16(b, s); }
        b.Add(1);
        b.Add(0);
        var ext = new List<byte>();
        if (sni is not null)
        {
            for (var i = duplicateSni ? 2 : 1; i > 0; i--)
            {
                var name = Encoding.ASCII.GetBytes(sni);
                U16(ext, 0);
                U16(ext, name.Length + 5);
                U16(ext, name.Length + 3);
                ext.Add(0);
                U16(ext, name.Length);
                ext.AddRange(name);
            }
        }
        if (alpn is not null)
        {
            var list = alpn.SelectMany(a => new[] { (byte)a.Length }.Concat(Encoding.ASCII.GetBytes(a))).ToArray();
            U16(ext, 16);
            U16(ext, list.Length + 2);
            U16(ext, list.Length);
            ext.AddRange(list);
        }
        versions ??= [0x0304, 0x0303];
        U16(ext, 43);
        U16(ext, versions.Length * 2 + 1);
        ext.Add((byte)(versions.Length * 2));
        foreach (var v in versions) { U16(ext, v); }
        U16(ext, 13);
        U16(ext, 6);
        U16(ext, 4);
        U16(ext, 0x0403);
        U16(ext, 0x0804);
        U16(b, ext.Count);
        b.AddRange(ext);
        var m = new List<byte> { 1, (byte)(b.Count >> 16), (byte)(b.Count >> 8), (byte)b.Count };
        m.AddRange(b);
        return [.. m];
    }

    /// <summary>The message in handshake records of at most <paramref name="fragment"/> bytes each.</summary>
    internal static byte[] Records(byte[] message, int fragment)
    {
        var r = new List<byte>();
        for (var i = 0; i < message.Length; i += fragment)
        {
            var n = Math.Min(fragment, message.Length - i);
            r.AddRange([0x16, 3, 1, (byte)(n >> 8), (byte)n]);
            r.AddRange(message.AsSpan(i, n).ToArray());
        }
        return [.. r];
    }

    private static void U16(List<byte> b, int v)
    {
        b.Add((byte)(v >> 8));
        b.Add((byte)v);
    }

    /// <summary>What .NET's TLS client sends first, read by a listener that never answers.</summary>
    internal static async Task<byte[]> CaptureDotNetHelloAsync(string host, string[] alpn)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        using var server = await listener.AcceptSocketAsync(cts.Token);
        var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ApplicationProtocols = [.. alpn.Select(a => new SslApplicationProtocol(a))],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }, cts.Token);
        var bytes = await ReadHelloAsync(server, cts.Token);
        client.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return bytes;
    }

    /// <summary>What <c>openssl s_client</c> with these arguments sends first.</summary>
    internal static async Task<byte[]> CaptureOpenSslHelloAsync(params string[] args)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var psi = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["s_client", "-connect", $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        try
        {
            using var server = await listener.AcceptSocketAsync(cts.Token);
            return await ReadHelloAsync(server, cts.Token);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Reads records until one handshake message is whole (by the record and message lengths only).</summary>
    private static async Task<byte[]> ReadHelloAsync(Socket s, CancellationToken ct)
    {
        var data = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await s.ReceiveAsync(buffer, ct);
            Assert.True(n > 0, "the client closed before its hello was whole");
            data.AddRange(buffer.AsSpan(0, n).ToArray());
            var all = data.ToArray();
            if (all.Length >= 9 && all.Length >= 5 + BinaryPrimitives.ReadUInt16BigEndian(all.AsSpan(3)))
            {
                return all[..(5 + BinaryPrimitives.ReadUInt16BigEndian(all.AsSpan(3)))];
            }
        }
    }
}
