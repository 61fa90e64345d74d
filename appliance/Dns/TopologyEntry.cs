using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Appliance.Dns;

/// <summary>A compiled topology record: a prefix in the same left-aligned form as <see cref="ClientSubnet"/>, and the pool's position.</summary>
public readonly record struct TopologyEntry(bool IPv4, int Prefix, ulong High, ulong Low, int Pool)
{
    public bool Matches(in ClientSubnet client)
    {
        if (client.IsIPv4 != IPv4 || client.SourcePrefix < Prefix)
        {
            return false;
        }
        var highMask = Prefix >= 64 ? ulong.MaxValue : Prefix == 0 ? 0 : ulong.MaxValue << (64 - Prefix);
        var lowMask = Prefix <= 64 ? 0 : Prefix >= 128 ? ulong.MaxValue : ulong.MaxValue << (128 - Prefix);
        return (client.High & highMask) == High && (client.Low & lowMask) == Low;
    }

    public static TopologyEntry? Parse(string cidr, int pool)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (!System.Net.IPAddress.TryParse(slash < 0 ? cidr : cidr[..slash], out var address))
        {
            return null;
        }
        var subnet = DnsRateLimiter.FromAddress(address);
        var prefix = slash < 0 ? subnet.SourcePrefix : int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var highMask = prefix >= 64 ? ulong.MaxValue : prefix == 0 ? 0 : ulong.MaxValue << (64 - prefix);
        var lowMask = prefix <= 64 ? 0 : prefix >= 128 ? ulong.MaxValue : ulong.MaxValue << (128 - prefix);
        return new TopologyEntry(subnet.IsIPv4, prefix, subnet.High & highMask, subnet.Low & lowMask, pool);
    }
}
