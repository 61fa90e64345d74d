using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>A loopback TCP port free at the time of asking.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A loopback port that refuses connections for as long as the returned socket lives: it is bound but never
    /// listens, so no other test can take the port meanwhile (a port merely free when asked can be).
    /// </summary>
    public static Socket Refusing(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }
}
