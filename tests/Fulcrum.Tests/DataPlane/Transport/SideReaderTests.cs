using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Tests.DataPlane.Transport;

/// <summary>
/// The proxy side's pipe reader over real loopback connections of both transports, straight on the transport and
/// under a layer (a stream over it, as TLS is): the PipeReader contract the HTTP proxy relies on, and that it holds no
/// buffer once everything is consumed.
/// </summary>
public sealed class SideReaderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static TheoryData<string, bool> Cases => new() { { "epoll", false }, { "epoll", true }, { "sockets", false }, { "sockets", true } };

    private static async Task<(Socket Peer, TransportSocket Socket, SideReader Reader)> OpenAsync(string transport, bool layered, int bufferSize = 4096)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        Stream stream = new TransportStream(socket);
        if (layered)
        {
            stream = new Layer(stream);
        }
        return (peer, socket, new SideReader(stream, bufferSize, zeroByteReads: true));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bytes_ComeInOrder_AndNoBufferIsHeldOnceConsumed(string transport, bool layered)
    {
        var (peer, socket, reader) = await OpenAsync(transport, layered);
        using (peer)
        using (socket)
        {
            Assert.Equal(0, reader.Buffered);
            await peer.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            var text = await ReadUntilAsync(reader, "\r\n\r\n");
            Assert.Equal("GET / HTTP/1.1\r\n\r\n", text);
            Assert.Equal(0, reader.Buffered);
            Assert.False(reader.TryRead(out _));
            reader.Complete();
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ExaminedButNotConsumed_TheNextReadWaitsForMore_AndSeesBoth(string transport, bool layered)
    {
        var (peer, socket, reader) = await OpenAsync(transport, layered);
        using (peer)
        using (socket)
        {
            await peer.SendAsync("GET / HT"u8.ToArray());
            var first = await reader.ReadAsync().AsTask().WaitAsync(Wait);
            Assert.Equal("GET / HT", Encoding.ASCII.GetString(first.Buffer));
            reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);
            Assert.False(reader.TryRead(out _));           // everything was examined: nothing new to offer
            var next = reader.ReadAsync().AsTask();
            await peer.SendAsync("TP/1.1\r\n\r\n"u8.ToArray());
            var second = await next.WaitAsync(Wait);
            Assert.Equal("GET / HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(second.Buffer));
            reader.AdvanceTo(second.Buffer.GetPosition(4), second.Buffer.GetPosition(4));
            Assert.True(reader.TryRead(out var rest));      // not examined: offered at once
            Assert.Equal("/ HTTP/1.1\r\n\r\n", Encoding.ASCII.GetString(rest.Buffer));
            reader.AdvanceTo(rest.Buffer.End);
            Assert.Equal(0, reader.Buffered);
            reader.Complete();
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MoreThanTheBuffer_HeldUnconsumed_GrowsAndKeepsEveryByte(string transport, bool layered)
    {
        var (peer, socket, reader) = await OpenAsync(transport, layered);
        using (peer)
        using (socket)
        {
            var data = new byte[100_000];
            new Random(7).NextBytes(data);
            var send = peer.SendAsync(data);
            ReadResult result;
            while (true)
            {
                result = await reader.ReadAsync().AsTask().WaitAsync(Wait);
                if (result.Buffer.Length >= data.Length)
                {
                    break;
                }
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
            await send;
            Assert.Equal(data, result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            Assert.Equal(0, reader.Buffered);
            reader.Complete();
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CancelPendingRead_EndsAWaitingRead_AsCanceled_ThenReadingGoesOn(string transport, bool layered)
    {
        var (peer, socket, reader) = await OpenAsync(transport, layered);
        using (peer)
        using (socket)
        {
            var waiting = reader.ReadAsync().AsTask();
            Assert.False(waiting.IsCompleted);
            reader.CancelPendingRead();
            var canceled = await waiting.WaitAsync(Wait);
            Assert.True(canceled.IsCanceled);
            reader.AdvanceTo(canceled.Buffer.Start);

            reader.CancelPendingRead();                     // with no read waiting: the next read returns canceled
            Assert.True((await reader.ReadAsync().AsTask().WaitAsync(Wait)).IsCanceled);

            await peer.SendAsync("after"u8.ToArray());
            Assert.Equal("after", await ReadUntilAsync(reader, "after"));
            reader.Complete();
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PeerFin_CompletesTheRead_WithWhatIsLeft(string transport, bool layered)
    {
        var (peer, socket, reader) = await OpenAsync(transport, layered);
        using (peer)
        using (socket)
        {
            await peer.SendAsync("tail"u8.ToArray());
            peer.Shutdown(SocketShutdown.Send);
            var text = new StringBuilder();
            ReadResult result;
            do
            {
                result = await reader.ReadAsync().AsTask().WaitAsync(Wait);
                text.Append(Encoding.ASCII.GetString(result.Buffer));
                reader.AdvanceTo(result.Buffer.End);
            }
            while (!result.IsCompleted);
            Assert.Equal("tail", text.ToString());
            Assert.True((await reader.ReadAsync()).IsCompleted);
            reader.Complete();
        }
    }

    private static async Task<string> ReadUntilAsync(PipeReader reader, string end)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Wait);
            var text = Encoding.ASCII.GetString(result.Buffer);
            if (text.EndsWith(end, StringComparison.Ordinal))
            {
                reader.AdvanceTo(result.Buffer.End);
                return text;
            }
            Assert.False(result.IsCompleted, $"ended before '{end}': {text}");
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>A stream over the transport's stream, as a TLS layer is: the reader cancels its reads through their token.</summary>
    private sealed class Layer(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        // As SslStream does, the token goes down to the transport's stream, whose waiting receive it cancels.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override void Flush()
        {
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
