using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

[Collection(nameof(HealthTimingCollection))]
public sealed class TcpHalfOpenMonitorTests
{
    private static Monitor HalfOpen() => new() { Name = "ho", Type = "tcp-half-open", Interval = 1, Timeout = 3 };

    /// <summary>A listener that counts the connections it accepted: a half-open probe must never complete one.</summary>
    private sealed class CountingListener : IDisposable
    {
        private Socket? _socket;

        public CountingListener()
        {
            Port = Infrastructure.FreePort.Next();
            Start();
        }

        public int Port { get; }

        public int Accepted;

        /// <summary>Remote endpoints of the accepted connections, in order.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<EndPoint> Peers { get; } = new();

        public void Start()
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, Port));
            _socket.Listen(64);
            var s = _socket;
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    try
                    {
                        using var c = await s.AcceptAsync();
                        Peers.Enqueue(c.RemoteEndPoint!);
                        Interlocked.Increment(ref Accepted);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                }
            });
        }

        public void Stop() => _socket?.Dispose();

        public void Dispose() => Stop();
    }

    [RootFact]
    public async Task HalfOpen_RawSyn_DownWhenClosed_UpWhenReopened_NeverCompletesAConnection()
    {
        using var server = new CountingListener();
        await using var live = await LiveMonitor.StartAsync(HalfOpen(), "127.0.0.1", server.Port);
        await LiveAssert.UpSoonAsync(live);
        Assert.Null(live.Member.Health.Reason);   // a raw probe, not the fallback

        server.Stop();
        await LiveAssert.DownAfterTimeoutAsync(live, "^tcp-half-open: connection refused$");

        server.Start();
        await LiveAssert.UpSoonAsync(live);
        // A connection of our own after the probe's SYN-ACK: the listener accepts in order, so once it has accepted this
        // one it has accepted every connection completed before it. Only ours, then: the probes never completed one.
        using var marker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await marker.ConnectAsync(IPAddress.Loopback, server.Port);
        var accepted = Stopwatch.StartNew();
        while (!server.Peers.Contains(marker.LocalEndPoint!) && accepted.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10);
        }
        Assert.Equal([marker.LocalEndPoint!], server.Peers.ToArray());
    }

    [Fact]
    public async Task HalfOpen_WithoutRawSockets_FallsBackToConnectAndSaysSo()
    {
        using var server = new CountingListener();
        await using var live = await LiveMonitor.StartAsync(HalfOpen(), "127.0.0.1", server.Port, rawHalfOpen: false);
        await LiveAssert.UpSoonAsync(live);
        Assert.Equal("tcp-half-open: up by full connect and reset (raw sockets turned off)", live.Member.Health.Reason);

        server.Stop();
        await LiveAssert.DownAfterTimeoutAsync(live, "^tcp-half-open: connection refused$");
    }
}
