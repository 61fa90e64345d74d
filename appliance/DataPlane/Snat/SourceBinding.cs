using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.DataPlane.Snat;

/// <summary>Linux socket options for the server side's source address (SNAT pool and transparent mode).</summary>
public static class SourceBinding
{
    private const int SolIp = 0;
    private const int SolIpv6 = 41;
    private const int IpTransparent = 19;
    private const int Ipv6Transparent = 75;
    private const int IpBindAddressNoPort = 24;

    /// <summary>Binds to <paramref name="address"/> but lets connect() choose the port, so ports are shared across members.</summary>
    public static void BindSnat(Socket socket, IPAddress address)
    {
        if (OperatingSystem.IsLinux())
        {
            Span<byte> one = [1, 0, 0, 0];
            socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, one);
        }
        socket.Bind(new IPEndPoint(address, 0));
    }

    /// <summary>
    /// IP_TRANSPARENT and a bind to the client's own address (LTM translation "none"). Throws
    /// <see cref="TransparentModeException"/> when the process lacks CAP_NET_ADMIN (EPERM), so the operator sees why.
    /// </summary>
    public static void BindTransparent(Socket socket, IPAddress clientAddress)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new TransparentModeException("transparent mode (sourceAddressTranslation 'none') needs Linux IP_TRANSPARENT");
        }
        Span<byte> one = [1, 0, 0, 0];
        try
        {
            if (socket.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.SetRawSocketOption(SolIpv6, Ipv6Transparent, one);
            }
            else
            {
                socket.SetRawSocketOption(SolIp, IpTransparent, one);
            }
        }
        catch (SocketException ex)
        {
            throw new TransparentModeException(
                $"transparent mode (sourceAddressTranslation 'none') needs CAP_NET_ADMIN (or CAP_NET_RAW) to set IP_TRANSPARENT: {ex.Message}; give fulcrum that capability or use automap/snat");
        }
        socket.Bind(new IPEndPoint(clientAddress, 0));
    }
}
