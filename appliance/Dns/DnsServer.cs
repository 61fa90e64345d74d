using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Listeners;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// One dns virtual server: a UDP socket served by a few receive loops and a TCP listener (RFC 7766 framing, several
/// queries per connection, idle timeout) on the same address and port. The catalog and rate limiter are swapped with
/// one reference write when the config or the pools change; queries in flight finish on the ones they took.
/// </summary>
public sealed class DnsServer
{
    private static readonly TimeSpan TcpIdle = TimeSpan.FromSeconds(10);
    private const int MaxTcpConnections = 1024;

    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private DnsCatalog _catalog;
    private DnsRateLimiter? _rrl;
    private Socket? _udp;
    private Socket? _tcp;
    private int _tcpConnections;

    public DnsServer(string name, IPEndPoint endPoint, DnsCatalog catalog, DnsRateLimiter? rrl, DnsVirtualCounters counters, ILogger logger)
    {
        Name = name;
        EndPoint = endPoint;
        _catalog = catalog;
        _rrl = rrl;
        Counters = counters;
        _logger = logger;
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    public DnsVirtualCounters Counters { get; }

    public string State { get; private set; } = ListenerState.Unknown;

    public string? Error { get; private set; }

    public DnsCatalog Catalog => Volatile.Read(ref _catalog);

    public DnsRateLimiter? RateLimiter => Volatile.Read(ref _rrl);

    public void Update(DnsCatalog catalog, DnsRateLimiter? rrl)
    {
        Volatile.Write(ref _catalog, catalog);
        Volatile.Write(ref _rrl, rrl);
    }

    public bool Start()
    {
        Socket? udp = null;
        Socket? tcp = null;
        try
        {
            udp = new Socket(EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            // Room for bursts while the receive loops are busy (the kernel caps it at net.core.rmem_max).
            udp.ReceiveBufferSize = 4 << 20;
            udp.Bind(EndPoint);
            tcp = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            tcp.Bind(EndPoint);
            tcp.Listen(512);
        }
        catch (SocketException e)
        {
            udp?.Dispose();
            tcp?.Dispose();
            State = ListenerState.Error;
            Error = e.Message;
            DnsLog.BindFailed(_logger, Name, EndPoint.ToString(), e.Message);
            return false;
        }
        _udp = udp;
        _tcp = tcp;
        State = ListenerState.Listening;
        Error = null;
        var loops = Math.Clamp(Environment.ProcessorCount, 1, 4);
        for (var i = 0; i < loops; i++)
        {
            _ = Task.Run(() => UdpLoop(udp));
        }
        _ = Task.Run(() => AcceptLoop(tcp));
        DnsLog.Listening(_logger, Name, EndPoint.ToString());
        return true;
    }

    public void Stop()
    {
        _stop.Cancel();
        _udp?.Dispose();
        _tcp?.Dispose();
        if (State == ListenerState.Listening)
        {
            DnsLog.Stopped(_logger, Name, EndPoint.ToString());
        }
        State = ListenerState.Disabled;
    }

    private async Task UdpLoop(Socket socket)
    {
        var receive = GC.AllocateUninitializedArray<byte>(65536, pinned: true);
        var send = GC.AllocateUninitializedArray<byte>(DnsResponder.MaxUdpPayload, pinned: true);
        var address = new SocketAddress(socket.AddressFamily);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveFromAsync(receive, SocketFlags.None, address, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error from an earlier send surfaces here on some stacks; the socket is still good.
                continue;
            }
            int length;
            try
            {
                var source = DnsRateLimiter.FromSocketAddress(address.Buffer.Span[..address.Size]);
                length = DnsResponder.Respond(receive.AsSpan(0, received), send, tcp: false, in source, Catalog, Counters, RateLimiter);
            }
            catch (Exception e)
            {
                DnsLog.InternalError(_logger, Name, e);
                continue;
            }
            if (length == 0)
            {
                continue;
            }
            try
            {
                await socket.SendToAsync(send.AsMemory(0, length), SocketFlags.None, address, token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task AcceptLoop(Socket listener)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            if (Interlocked.Increment(ref _tcpConnections) > MaxTcpConnections)
            {
                Interlocked.Decrement(ref _tcpConnections);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(Socket client)
    {
        var buffer = new byte[2 + 65535];
        var response = new byte[2 + 65535];
        try
        {
            var source = DnsRateLimiter.FromAddress(((IPEndPoint)client.RemoteEndPoint!).Address);
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(TcpIdle);
                if (!await ReadExactly(client, buffer.AsMemory(0, 2), idle.Token))
                {
                    return;
                }
                var length = BinaryPrimitives.ReadUInt16BigEndian(buffer);
                if (length == 0 || !await ReadExactly(client, buffer.AsMemory(2, length), idle.Token))
                {
                    return;
                }
                var n = DnsResponder.Respond(buffer.AsSpan(2, length), response.AsSpan(2), tcp: true, in source, Catalog, Counters, null);
                if (n == 0)
                {
                    // A malformed query over TCP: counted, and the connection closed rather than guessing where the next one starts.
                    return;
                }
                BinaryPrimitives.WriteUInt16BigEndian(response, (ushort)n);
                await client.SendAsync(response.AsMemory(0, 2 + n), SocketFlags.None, idle.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            DnsLog.InternalError(_logger, Name, e);
        }
        finally
        {
            Interlocked.Decrement(ref _tcpConnections);
            client.Dispose();
        }
    }

    private static async ValueTask<bool> ReadExactly(Socket socket, Memory<byte> buffer, CancellationToken token)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (n == 0)
            {
                return false;
            }
            buffer = buffer[n..];
        }
        return true;
    }
}
