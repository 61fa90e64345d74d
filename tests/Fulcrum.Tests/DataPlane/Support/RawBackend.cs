using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>
/// A raw-socket backend: each accepted connection runs the given handler. Counts connections; used where the test
/// needs exact bytes (PROXY headers, smuggling, responses Kestrel would not send, L4 echo, half-close).
/// </summary>
public sealed class RawBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<Socket, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly ConcurrentQueue<Task> _handlers = new();
    private readonly Task _loop;
    private int _connections;

    public RawBackend(Func<Socket, Task> handler, IPAddress? address = null)
    {
        _handler = handler;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start(1024);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptLoop();
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Remote endpoints of accepted connections, in order.</summary>
    public ConcurrentQueue<IPEndPoint> Peers { get; } = new();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            Peers.Enqueue((IPEndPoint)s.RemoteEndPoint!);
            _sockets.Add(s);
            _handlers.Enqueue(Task.Run(async () =>
            {
                try
                {
                    await _handler(s);
                }
                catch (Exception)
                {
                }
                finally
                {
                    s.Dispose();
                }
            }));
        }
    }

    /// <summary>
    /// Completes when every connection accepted so far has ended (its handler returned, typically on the proxy's FIN),
    /// so what the backend recorded is all it will ever get on them; fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task ConnectionsEndedAsync(TimeSpan timeout)
    {
        try
        {
            await Task.WhenAll(_handlers).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{_handlers.Count(h => !h.IsCompleted)} of {Connections} backend connection(s) still open after {timeout.TotalSeconds} s: the proxy did not close them");
        }
    }

    /// <summary>Echoes bytes until the peer's FIN, then half-closes back.</summary>
    public static RawBackend Echo() => new(async s =>
    {
        var buffer = new byte[65536];
        int n;
        while ((n = await s.ReceiveAsync(buffer)) > 0)
        {
            await s.SendAsync(buffer.AsMemory(0, n));
        }
        s.Shutdown(SocketShutdown.Send);
    });

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var s in _sockets)
        {
            s.Dispose();
        }
        await _loop;
    }
}
