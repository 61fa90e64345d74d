using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>The keys the data plane builds for table-based persistence.</summary>
public static class PersistenceKeys
{
    /// <summary>Keys longer than this are stored as their SHA-256 (a long URI or header must not grow the table).</summary>
    public const int MaxKeyLength = 256;

    /// <summary>
    /// The source-address key: the client address with the profile's mask applied (255.255.255.0 keeps a /24
    /// together). An IPv4-mapped IPv6 client is treated as IPv4. An IPv6 mask applies to IPv6 clients bit for bit; an
    /// IPv4 mask applied to an IPv6 client clears the same number of low bits (so 255.255.255.255 keeps the full
    /// address and 255.255.255.0 clears the last 8 bits).
    /// </summary>
    public static string SourceAddressKey(IPAddress client, IPAddress mask)
    {
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        Span<byte> address = stackalloc byte[16];
        Span<byte> bits = stackalloc byte[16];
        client.TryWriteBytes(address, out var length);
        address = address[..length];
        mask.TryWriteBytes(bits, out var maskLength);
        if (maskLength == length)
        {
            for (var i = 0; i < length; i++)
            {
                address[i] &= bits[i];
            }
        }
        else
        {
            var cleared = maskLength == 4 ? 32 - PrefixLength(bits[..4]) : 128 - PrefixLength(bits[..16]);
            for (var i = length - 1; i >= 0 && cleared > 0; i--, cleared -= 8)
            {
                address[i] &= cleared >= 8 ? (byte)0 : (byte)(0xff << cleared);
            }
        }
        return new IPAddress(address).ToString();
    }

    /// <summary>As above with the profile's mask text; an unparsable mask keeps the whole address.</summary>
    public static string SourceAddressKey(IPAddress client, string mask) =>
        IPAddress.TryParse(mask, out var m) ? SourceAddressKey(client, m) : client.ToString();

    /// <summary>A hash or universal key as stored: itself, or <c>sha256:BASE64</c> when longer than <see cref="MaxKeyLength"/>.</summary>
    public static string Normalize(string key) =>
        key.Length <= MaxKeyLength ? key : "sha256:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static int PrefixLength(ReadOnlySpan<byte> mask)
    {
        var n = 0;
        foreach (var b in mask)
        {
            n += System.Numerics.BitOperations.PopCount(b);
        }
        return n;
    }
}
