using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.DataPlane.Snat;

/// <summary>Whether this process may use transparent mode: sets IP_TRANSPARENT on a throwaway socket.</summary>
public static class TransparentProbe
{
    /// <summary>Null when transparent mode works here; otherwise the reason, written for the operator.</summary>
    public static string? Check()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            SourceBinding.BindTransparent(socket, IPAddress.Loopback);
            return null;
        }
        catch (TransparentModeException ex)
        {
            return ex.Message;
        }
        catch (SocketException)
        {
            return null; // the option was accepted; only the probe's bind failed
        }
    }
}
