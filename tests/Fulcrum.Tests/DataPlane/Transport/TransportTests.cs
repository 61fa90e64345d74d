using Fulcrum.Appliance.DataPlane.Transport.SocketOptions;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Stats;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Transport;

/// <summary>
/// The transport contract, held by both transports over real loopback sockets: what the proxy relies on (bytes in
/// order, FIN as a 0 read, half-close, reset, liveness of idle connections, connect errors, byte counts, calls
/// from any thread).
/// </summary>
public sealed class TransportTests
{
    public static TheoryData<string> Transports => TestTransports.Names;

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Receive_ThenSend_CarriesBytesBothWays_AndCountsThem(string transport)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        using (socket)
        {
            var counters = new TrafficCounters();
            socket.Meter(receiveIsIn: true, counters);
            await peer.SendAsync("hello"u8.ToArray());
            var buffer = new byte[64];
            var n = await ReceiveExactlyAsync(socket, buffer, 5);
            Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, n));
            await socket.SendAsync("wor"u8.ToArray(), "ld"u8.ToArray());
            var back = new byte[64];
            var got = 0;
            while (got < 5)
            {
                got += await peer.ReceiveAsync(back.AsMemory(got));
            }
            Assert.Equal("world", Encoding.ASCII.GetString(back, 0, got));
            Assert.Equal(5, counters.BytesIn);
            Assert.Equal(5, counters.BytesOut);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task PeerFin_IsAZeroRead_AndTheOtherDirectionStaysOpen(string transport)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        using (socket)
        {
            peer.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await socket.ReceiveAsync(new byte[16]));
            await socket.SendAsync("after fin"u8.ToArray());
            socket.ShutdownSend();
            var all = await ReadToEndAsync(peer);
            Assert.Equal("after fin", all);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ZeroByteReceive_WaitsForData_WithoutTakingIt(string transport)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        using (socket)
        {
            var wait = socket.ReceiveAsync(Memory<byte>.Empty).AsTask();
            await peer.SendAsync("x"u8.ToArray());
            Assert.Equal(0, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
            var buffer = new byte[4];
            Assert.Equal(1, await ReceiveExactlyAsync(socket, buffer, 1));
            Assert.Equal((byte)'x', buffer[0]);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Abort_SendsAReset(string transport)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        {
            socket.Abort();
            var ex = await Assert.ThrowsAsync<SocketException>(async () =>
            {
                var buffer = new byte[16];
                while (await peer.ReceiveAsync(buffer) > 0)
                {
                }
                throw new InvalidOperationException("a FIN, not a reset");
            });
            Assert.Equal(SocketError.ConnectionReset, ex.SocketErrorCode);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Abort_FromAnotherThread_FailsAPendingReceive(string transport)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        {
            var pending = socket.ReceiveAsync(new byte[16]).AsTask();
            await Task.Run(socket.Abort);
            var ex = await Record.ExceptionAsync(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(ex is SocketException or ObjectDisposedException, ex?.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task StreamRead_Cancelled_EndsTheWait_AndTheNextReadGetsTheBytes(string transport)
    {
        // What the pipe reader's CancelPendingRead relies on when the proxy abandons an upload.
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        using (var stream = new TransportStream(socket))
        {
            using var cancel = new CancellationTokenSource();
            var pending = stream.ReadAsync(new byte[16], cancel.Token).AsTask();
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
            await peer.SendAsync("still here"u8.ToArray());
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer);
            Assert.Equal("still here", Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task IdleConnection_ClosedByThePeer_HasUnsolicitedInput(string transport)
    {
        var (peer, socket) = await TestTransports.ConnectedPairAsync(transport);
        using (socket)
        {
            Assert.False(socket.HasUnsolicitedInput());
            peer.Dispose();
            // The FIN travels through the kernel; the idle check sees it as soon as it is there.
            await SeenAsync(socket, "the peer's FIN");
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task IdleConnection_StrayBytes_AreUnsolicitedInput(string transport)
    {
        var (peer, socket) = await TestTransports.ConnectedPairAsync(transport);
        using (peer)
        using (socket)
        {
            await peer.SendAsync("stray"u8.ToArray());
            await SeenAsync(socket, "stray bytes");
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Connect_ToAClosedPort_IsRefused(string transport)
    {
        using var refusing = FreePort.Refusing(out var port);
        var ex = await Assert.ThrowsAsync<SocketException>(async () =>
            await TestTransports.Get(transport).ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), SourceBind.None, 5000, TcpSocketOptions.Default));
        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Connect_OverIPv6_Works(string transport)
    {
        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        listener.Listen();
        using var socket = await TestTransports.Get(transport).ConnectAsync((IPEndPoint)listener.LocalEndPoint!, SourceBind.None, 5000, TcpSocketOptions.Default);
        using var peer = await listener.AcceptAsync();
        Assert.Equal(IPAddress.IPv6Loopback, socket.LocalEndPoint.Address);
        Assert.Equal(((IPEndPoint)peer.RemoteEndPoint!).Port, socket.LocalEndPoint.Port);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task LargeSend_ToASlowReader_CompletesWhenTheReaderCatchesUp(string transport)
    {
        var (peer, socket) = await TestTransports.AcceptedPairAsync(transport);
        using (peer)
        using (socket)
        {
            var data = new byte[8 << 20];
            Random.Shared.NextBytes(data);
            var send = socket.SendAsync(data).AsTask();
            var got = new byte[data.Length];
            var n = 0;
            while (n < got.Length)
            {
                n += await peer.ReceiveAsync(got.AsMemory(n, Math.Min(4096, got.Length - n)));
            }
            await send.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(data.AsSpan().SequenceEqual(got));
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Listener_ClosedAndReopened_OnTheSamePort(string transport)
    {
        var t = TestTransports.Get(transport);
        var port = FreePort.Next();
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        t.Listen(endpoint, new ListenOptions(TcpSocketOptions.Default), s => s.Dispose()).Dispose();
        using (t.Listen(endpoint, new ListenOptions(TcpSocketOptions.Default), s => s.Dispose()))
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(endpoint);
        }
        var ex = Assert.Throws<SocketException>(() =>
        {
            using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            taken.Bind(endpoint);
            taken.Listen();
            t.Listen(endpoint, new ListenOptions(TcpSocketOptions.Default), s => s.Dispose()).Dispose();
        });
        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    private static async Task SeenAsync(TransportSocket socket, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!socket.HasUnsolicitedInput())
        {
            Assert.True(DateTime.UtcNow < deadline, what + " never seen");
            await Task.Yield();
        }
    }

    private static async Task<int> ReceiveExactlyAsync(TransportSocket socket, byte[] buffer, int count)
    {
        var n = 0;
        while (n < count)
        {
            var r = await socket.ReceiveAsync(buffer.AsMemory(n));
            Assert.NotEqual(0, r);
            n += r;
        }
        return n;
    }

    private static async Task<string> ReadToEndAsync(Socket peer)
    {
        var sb = new StringBuilder();
        var buffer = new byte[256];
        int n;
        while ((n = await peer.ReceiveAsync(buffer)) > 0)
        {
            sb.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return sb.ToString();
    }
}
