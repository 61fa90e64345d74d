using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.DataPlane.OneConnect;

/// <summary>
/// LTM's OneConnect source mask: a client may reuse an idle server connection opened for another client when their
/// addresses are equal under the mask. 0.0.0.0 makes every client equal (any connection to the member is shared);
/// 255.255.255.255 restricts reuse to the same client address. Computed once per client connection.
/// </summary>
public static class SourceMask
{
    public static IPAddress Apply(IPAddress client, string mask)
    {
        var m = IPAddress.Parse(mask);
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        if (m.Equals(IPAddress.Any))
        {
            return IPAddress.Any;
        }
        if (client.AddressFamily != AddressFamily.InterNetwork || m.AddressFamily != AddressFamily.InterNetwork)
        {
            // An IPv4 mask has no meaning for an IPv6 client: only the same address shares.
            return client;
        }
        Span<byte> a = stackalloc byte[4];
        Span<byte> b = stackalloc byte[4];
        client.TryWriteBytes(a, out _);
        m.TryWriteBytes(b, out _);
        for (var i = 0; i < 4; i++)
        {
            a[i] &= b[i];
        }
        return new IPAddress(a);
    }
}
