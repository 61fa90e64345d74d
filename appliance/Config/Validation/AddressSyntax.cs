using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Strict address syntax: dotted-quad IPv4 (no shorthand such as <c>10.1</c>) or plain IPv6 (no scope, no brackets).</summary>
public static class AddressSyntax
{
    public static bool TryParseIp(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        // IPAddress.TryParse would take "[::1]" (and a scope) as an address; config wants the plain form.
        if (string.IsNullOrEmpty(text) || text.Length > 45 || text.Contains('%', StringComparison.Ordinal) || text.Contains('[', StringComparison.Ordinal) || text.Contains(']', StringComparison.Ordinal))
        {
            return false;
        }
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0') || int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }
        return IPAddress.TryParse(text, out address!);
    }

    public static bool IsIp(string? text) => TryParseIp(text, out _);

    /// <summary>
    /// Why <paramref name="address"/> can never be a server to connect to (unspecified, broadcast, multicast), or null.
    /// Such members parse, then fail every connect or reach every host on a segment.
    /// </summary>
    public static string? NotAServerProblem(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return $"{address} is the unspecified address, not a server";
        }
        if (address.Equals(IPAddress.Broadcast))
        {
            return $"{address} is the broadcast address, not a server";
        }
        if (address.IsIPv4MappedToIPv6 && NotAServerProblem(address.MapToIPv4()) is { } mapped)
        {
            return mapped;
        }
        var multicast = address.AddressFamily == AddressFamily.InterNetwork
            ? (address.GetAddressBytes()[0] & 0xF0) == 0xE0
            : address.IsIPv6Multicast;
        return multicast ? $"{address} is a multicast address, not a server" : null;
    }

    /// <summary>A netmask: some one bits, then only zero bits (255.255.255.0, not 255.0.255.0).</summary>
    public static bool IsContiguousMask(IPAddress mask)
    {
        var zeroSeen = false;
        foreach (var b in mask.GetAddressBytes())
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var one = (b >> bit & 1) == 1;
                if (one && zeroSeen)
                {
                    return false;
                }
                zeroSeen |= !one;
            }
        }
        return true;
    }

    /// <summary>An address, or an address with a prefix length: <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>.</summary>
    public static bool IsCidr(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return IsIp(text);
        }
        if (!TryParseIp(text[..slash], out var ip))
        {
            return false;
        }
        var bits = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var len = text[(slash + 1)..];
        return len.Length is > 0 and <= 3 && len.All(char.IsAsciiDigit) && int.Parse(len, System.Globalization.CultureInfo.InvariantCulture) <= bits;
    }

    /// <summary>Parses a destination <c>ip:port</c> (IPv6 as <c>[ip]:port</c>) with a port from 1 to 65535.</summary>
    public static bool TryParseEndpoint(string? text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.None, 0);
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        string host;
        string port;
        if (text[0] == '[')
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            host = text[1..close];
            port = text[(close + 2)..];
            if (!host.Contains(':', StringComparison.Ordinal))
            {
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return false;
            }
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        if (!TryParseIp(host, out var ip) || port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit))
        {
            return false;
        }
        var p = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
        if (p is < 1 or > 65535)
        {
            return false;
        }
        endpoint = new IPEndPoint(ip, p);
        return true;
    }
}
