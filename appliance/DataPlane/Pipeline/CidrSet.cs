using System.Net;
using System.Net.Sockets;

namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>Address prefixes parsed once from a profile (trusted PROXY senders, trusted X-Forwarded-For); matched without allocation.</summary>
public sealed class CidrSet
{
    private readonly (byte[] Network, int Bits)[] _entries;

    public CidrSet(IEnumerable<string> cidrs)
    {
        var list = new List<(byte[], int)>();
        foreach (var text in cidrs)
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            var ip = IPAddress.Parse(slash < 0 ? text : text[..slash]);
            var bytes = Normalize(ip).GetAddressBytes();
            var bits = slash < 0 ? bytes.Length * 8 : int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture) + (ip.AddressFamily == AddressFamily.InterNetwork ? 96 : 0);
            list.Add((bytes, bits));
        }
        _entries = [.. list];
    }

    public static CidrSet Empty { get; } = new([]);

    public bool IsEmpty => _entries.Length == 0;

    public bool Contains(IPAddress address)
    {
        if (_entries.Length == 0)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!Normalize(address).TryWriteBytes(bytes, out _))
        {
            return false;
        }
        foreach (var (network, bits) in _entries)
        {
            if (Matches(bytes, network, bits))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Matches(ReadOnlySpan<byte> address, ReadOnlySpan<byte> network, int bits)
    {
        var full = bits / 8;
        if (!address[..full].SequenceEqual(network[..full]))
        {
            return false;
        }
        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - rest));
        return (address[full] & mask) == (network[full] & mask);
    }

    /// <summary>IPv4 as IPv4-mapped IPv6, so one comparison covers dual-stack sockets.</summary>
    private static IPAddress Normalize(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork ? ip.MapToIPv6() : ip;
}
