using System.Net;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// One TCP connection as the data plane sees it, whatever transport carries it: receive, send (whole or gathered),
/// half-close each way, abort with a reset, close, a liveness look for idle pooled connections, socket options, and
/// byte counting into the traffic counters at the wire (under any TLS layer, as LTM counts).
/// Operations complete where the transport completes them: on the connection's event loop for the epoll transport,
/// on a thread-pool worker for the fallback. Errors surface as <see cref="System.Net.Sockets.SocketException"/>.
/// </summary>
public abstract class TransportSocket : IDisposable
{
    private TrafficCounters? _a;
    private TrafficCounters? _b;
    private bool _receiveIsIn;
    private SocketOptions.TcpSocketOptions? _tcp;

    /// <summary>The tcp profile's quick-ACK mode: the kernel leaves it on its own, so it is set again after every read.</summary>
    protected bool RearmQuickAck { get; private set; }

    /// <summary>The socket's descriptor while it is open (-1 after), for the socket options code.</summary>
    protected abstract int Descriptor { get; }

    /// <summary>The peer's address (the client on the client side, the member on the server side).</summary>
    public abstract IPEndPoint RemoteEndPoint { get; }

    /// <summary>This end's address (one getsockname on first use).</summary>
    public abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>The event loop that owns this socket (0 for the fallback transport, which has none).</summary>
    public abstract int Loop { get; }

    public abstract bool IsDisposed { get; }

    /// <summary>Counts received bytes as "in" to <paramref name="a"/> and <paramref name="b"/> (client side) or as "out" (server side).</summary>
    public void Meter(bool receiveIsIn, TrafficCounters? a, TrafficCounters? b = null)
    {
        _receiveIsIn = receiveIsIn;
        _a = a;
        _b = b;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; 0 is the peer's FIN. An empty buffer waits until bytes (or FIN) are there, holding no buffer.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Ends a waiting receive with <see cref="OperationCanceledException"/>; the connection stays usable.</summary>
    public abstract void CancelReceive();

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> data);

    /// <summary>Sends all of <paramref name="first"/> then <paramref name="second"/>, in one system call when the kernel takes both.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second);

    /// <summary>FIN to the peer; the other direction stays open.</summary>
    public abstract void ShutdownSend();

    /// <summary>Stops reading: a pending or later receive returns 0.</summary>
    public abstract void ShutdownReceive();

    /// <summary>Closes with a reset (linger 0), so the peer sees the abort.</summary>
    public abstract void Abort();

    public abstract void Dispose();

    /// <summary>
    /// For an idle pooled connection: true when something arrived that no request asked for (a FIN, a reset, stray
    /// bytes), so it must not be reused.
    /// </summary>
    public abstract bool HasUnsolicitedInput();

    public abstract void SetNoDelay(bool value);

    /// <summary>
    /// An accepted or connected socket's tcp profile (the listener or the connect already set the options the kernel
    /// keeps): quick-ACK mode, a sampled read-back of the options in force, and TCP_INFO into the side's figures at close.
    /// </summary>
    public void UseTcpOptions(SocketOptions.TcpSocketOptions options, bool serverSide)
    {
        var fd = Descriptor;
        if (fd < 0)
        {
            return;
        }
        _tcp = options;
        RearmQuickAck = options.QuickAck;
        options.ApplyEstablished(fd);
        if (options.Telemetry.ShouldSample())
        {
            options.Telemetry.ReadConnection(fd, serverSide);
        }
    }

    /// <summary>Called by the transport with the descriptor just before it is closed.</summary>
    protected void BeforeClose(int fd) => _tcp?.Telemetry.RecordClosed(fd);

    /// <summary>
    /// Moves an idle connection (nothing pending on it) to the caller's event loop, so a OneConnect connection opened on
    /// one loop can serve a client on another. False when it cannot move; transports without loops always succeed.
    /// </summary>
    public virtual bool MoveToCurrentLoop() => true;

    /// <summary>After work that ran off the loop (a rule-set build on the thread pool): continue on this socket's loop.</summary>
    public virtual ValueTask ResumeOnLoopAsync() => ValueTask.CompletedTask;

    protected void CountReceived(int n)
    {
        if (_receiveIsIn)
        {
            _a?.AddIn(n);
            _b?.AddIn(n);
        }
        else
        {
            _a?.AddOut(n);
            _b?.AddOut(n);
        }
    }

    protected void CountSent(int n)
    {
        if (_receiveIsIn)
        {
            _a?.AddOut(n);
            _b?.AddOut(n);
        }
        else
        {
            _a?.AddIn(n);
            _b?.AddIn(n);
        }
    }
}
