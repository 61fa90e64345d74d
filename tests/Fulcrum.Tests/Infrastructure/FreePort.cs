using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Tests.Infrastructure;

public static class FreePort
{
    private static readonly (int Low, int High) Range = OutsideEphemeral();
    private static int _next = Random.Shared.Next(Range.High - Range.Low);

    /// <summary>
    /// A loopback TCP port free at the time of asking, outside the kernel's ephemeral range: a port the kernel handed
    /// out for bind(0) goes back into that range, where the next outgoing connection of any test may take it as its
    /// source port before the caller listens on it ("Address already in use"). Ports are handed out in turn from a
    /// random start, so two tests of one run do not get the same one.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Range.Low + (int)((uint)Interlocked.Increment(ref _next) % (uint)(Range.High - Range.Low));
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // in use: the next one
            }
        }
        throw new InvalidOperationException($"no free loopback port in {Range.Low}-{Range.High}");
    }

    /// <summary>The widest stretch of ports 10000-65535 outside net.ipv4.ip_local_port_range.</summary>
    private static (int Low, int High) OutsideEphemeral()
    {
        var (first, last) = (32768, 60999);
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            (first, last) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
        }
        var below = (Low: 10000, High: Math.Max(10000, first));
        var above = (Low: Math.Min(65535, last + 1), High: 65535);
        return below.High - below.Low >= above.High - above.Low ? below : above;
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
