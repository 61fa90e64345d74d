using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Tests.DataPlane.Transport;

/// <summary>
/// The layer seam of a side, tested before TLS fills it: a layer (here a byte-flipping stream standing in for TLS)
/// wraps the transport's stream, and a PROXY header goes out on the transport, in clear, before anything the layer
/// writes — never through the layer.
/// </summary>
public sealed class ProxySideLayerTests
{
    public static TheoryData<string> Transports => TestTransports.Names;

    private static readonly byte[] Header = Encoding.ASCII.GetBytes("PROXY TCP4 10.0.0.1 10.0.0.2 1234 80\r\n");

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Preamble_WithoutALayer_LeavesWithTheFirstBytes(string transport)
    {
        var (peer, socket) = await TestTransports.ConnectedPairAsync(transport);
        using (peer)
        {
            var side = new ProxySide(socket, 4096, zeroByteReads: false);
            side.SetPreamble(Header);
            side.Append("GET / HTTP/1.1\r\n\r\n"u8);
            await side.FlushAsync();
            side.Dispose();
            Assert.Equal(Encoding.ASCII.GetString(Header) + "GET / HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(await ReadAllAsync(peer)));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Preamble_UnderALayer_GoesOutInClear_BeforeTheLayersBytes(string transport)
    {
        var (peer, socket) = await TestTransports.ConnectedPairAsync(transport);
        using (peer)
        {
            var side = new ProxySide(socket, 4096, zeroByteReads: false);
            side.SetPreamble(Header);
            Assert.Throws<InvalidOperationException>(() => side.Wrap(new FlipStream(side.Stream)));
            await side.SendPreambleAsync();
            side.Wrap(new FlipStream(side.Stream));
            Assert.True(side.IsLayered);
            side.Append("hello"u8);
            await side.FlushAsync();
            side.Dispose();
            var all = await ReadAllAsync(peer);
            Assert.Equal(Header, all[..Header.Length]);
            Assert.Equal("hello", Encoding.ASCII.GetString(all[Header.Length..].Select(b => (byte)~b).ToArray()));
        }
    }

    private static async Task<byte[]> ReadAllAsync(Socket peer)
    {
        var all = new MemoryStream();
        var buffer = new byte[1024];
        int n;
        while ((n = await peer.ReceiveAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }
        return all.ToArray();
    }

    /// <summary>A stand-in for TLS: writes every byte inverted onto the stream below.</summary>
    private sealed class FlipStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await inner.WriteAsync(buffer.ToArray().Select(b => (byte)~b).ToArray(), cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
