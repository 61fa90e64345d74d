using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.DataPlane.ProxyProtocol;

namespace Fulcrum.Tests.DataPlane;

/// <summary>PROXY protocol header writer and reader, round trip over a real socket pair.</summary>
public sealed class ProxyProtocolTests
{
    [Theory]
    [InlineData(ProxyProtocolVersion.V1, "203.0.113.7", 40000, "198.51.100.1", 443)]
    [InlineData(ProxyProtocolVersion.V2, "203.0.113.7", 40000, "198.51.100.1", 443)]
    [InlineData(ProxyProtocolVersion.V1, "2001:db8::7", 1, "2001:db8::1", 65535)]
    [InlineData(ProxyProtocolVersion.V2, "2001:db8::7", 1, "2001:db8::1", 65535)]
    public async Task WriteThenRead_RoundTrips_AndLeavesThePayloadUnread(ProxyProtocolVersion version, string src, int sp, string dst, int dp)
    {
        var header = new byte[ProxyProtocolWriter.MaxLength];
        var n = ProxyProtocolWriter.Write(version, new IPEndPoint(IPAddress.Parse(src), sp), new IPEndPoint(IPAddress.Parse(dst), dp), header);
        var (a, b) = await Pair();
        using (a)
        using (b)
        {
            await a.SendAsync(header.AsMemory(0, n));
            await a.SendAsync("payload"u8.ToArray());
            var read = await ProxyProtocolReader.ReadAsync(b);
            Assert.Null(read.Error);
            Assert.Equal(new IPEndPoint(IPAddress.Parse(src), sp), read.Source);
            Assert.Equal(new IPEndPoint(IPAddress.Parse(dst), dp), read.Destination);
            var rest = new byte[16];
            var got = await b.ReceiveAsync(rest.AsMemory());
            Assert.Equal("payload", Encoding.ASCII.GetString(rest, 0, got));
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n               ")]
    [InlineData("PROXY TCP4 nonsense 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\r\n")]
    public async Task Garbage_IsRefused(string input)
    {
        var (a, b) = await Pair();
        using (a)
        using (b)
        {
            await a.SendAsync(Encoding.ASCII.GetBytes(input));
            a.Shutdown(SocketShutdown.Send);
            var read = await ProxyProtocolReader.ReadAsync(b);
            Assert.NotNull(read.Error);
        }
    }

    [Fact]
    public void V1_Text_IsExact()
    {
        var header = new byte[ProxyProtocolWriter.MaxLength];
        var n = ProxyProtocolWriter.Write(ProxyProtocolVersion.V1, new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.1"), 1234), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80), header);
        Assert.Equal("PROXY TCP4 10.0.0.1 10.0.0.2 1234 80\r\n", Encoding.ASCII.GetString(header, 0, n));
    }

    /// <summary>The reader runs on the data plane's transport (the epoll loops where they exist), as in the proxy.</summary>
    private static Task<(Socket Peer, Fulcrum.Appliance.DataPlane.Transport.TransportSocket Accepted)> Pair() =>
        Transport.TestTransports.AcceptedPairAsync(Fulcrum.Appliance.DataPlane.Transport.Epoll.Native.IsSupported ? "epoll" : "sockets");
}
