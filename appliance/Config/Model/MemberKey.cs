using System.Globalization;
using System.Net;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Formats and parses <c>address:port</c> keys (IPv6 bracketed) used for members and destinations.</summary>
public static class MemberKey
{
    public static string Format(string address, int port) =>
        address.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");

    /// <summary>Parses <c>1.2.3.4:80</c> or <c>[::1]:80</c>; false on anything else.</summary>
    public static bool TryParse(string? text, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        return IPEndPoint.TryParse(text, out var ep)
            && ep.Port > 0
            && HasExplicitPort(text)
            && (ep.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.StartsWith('['))
            && Assign(ep, out address, out port);
    }

    private static bool HasExplicitPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && colon < text.Length - 1 && (text[0] != '[' || text[colon - 1] == ']');
    }

    private static bool Assign(IPEndPoint ep, out IPAddress address, out int port)
    {
        address = ep.Address;
        port = ep.Port;
        return true;
    }
}
