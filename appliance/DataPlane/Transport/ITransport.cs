using System.Net;

namespace Fulcrum.Appliance.DataPlane.Transport;

/// <summary>
/// What the data plane needs from a socket layer: listen, accept, connect. Two implementations: the per-core epoll
/// event loops (<see cref="Epoll.EpollTransport"/>, the default on Linux) and System.Net.Sockets
/// (<see cref="Sockets.SocketsTransport"/>, the fallback where epoll is not there, and a second run of the suite).
/// </summary>
public interface ITransport : IDisposable
{
    /// <summary>"epoll" or "sockets", shown in the status.</summary>
    string Name { get; }

    /// <summary>Event loops serving connections (1 for the fallback: its completions go to the thread pool).</summary>
    int Loops { get; }

    /// <summary>Binds and listens; accepted connections are handed to <paramref name="accepted"/> on the loop that owns them. Throws <see cref="System.Net.Sockets.SocketException"/> on a bind error.</summary>
    ITransportListener Listen(IPEndPoint endpoint, ListenOptions options, Action<TransportSocket> accepted);

    /// <summary>
    /// Connects on the calling connection's loop (so both sides of a proxied connection live on one loop), from
    /// <paramref name="source"/> when set, within <paramref name="timeoutMs"/>. Throws <see cref="System.Net.Sockets.SocketException"/>
    /// (TimedOut on the timeout) or <see cref="Snat.TransparentModeException"/>.
    /// </summary>
    /// <paramref name="tcp"/> (the server side's tcp profile) is set on the socket before it connects.
    ValueTask<TransportSocket> ConnectAsync(IPEndPoint remote, SourceBind source, long timeoutMs, SocketOptions.TcpSocketOptions tcp);

    /// <summary>The loop the calling code runs on (-1 off every loop); OneConnect keeps idle connections per loop.</summary>
    int CurrentLoop { get; }

    /// <summary>Whether the transport runs its own event loops (<see cref="TryPost"/> works); false for the fallback.</summary>
    bool RunsLoops { get; }

    /// <summary>Runs <paramref name="action"/> on loop <paramref name="loop"/>, from any thread; false when the transport runs no loops.</summary>
    bool TryPost(int loop, Action<object?> action, object? state);
}

public interface ITransportListener : IDisposable
{
    /// <summary>The client side's tcp profile changed: set it on the listening sockets (new connections inherit it) and listen again with its backlog.</summary>
    void Reconfigure(SocketOptions.TcpSocketOptions tcp);
}

/// <summary>How a listener is set up: the client side's tcp profile, set on the listening socket (accepted sockets inherit it) with its synBacklog.</summary>
public readonly record struct ListenOptions(SocketOptions.TcpSocketOptions Tcp);

/// <summary>The server side's source: none (the kernel picks), a SNAT address (port picked at connect), or the client's own address (transparent).</summary>
public readonly record struct SourceBind(IPAddress? Address, bool Transparent)
{
    public static SourceBind None => default;
}
