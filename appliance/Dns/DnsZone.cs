namespace Fulcrum.Appliance.Dns;

/// <summary>A zone a dns virtual is authoritative for, with its synthesized SOA (docs/DNS.md, "Zones").</summary>
public sealed class DnsZone
{
    public const uint Refresh = 3600;
    public const uint Retry = 600;
    public const uint Expire = 86400;

    public DnsZone(string name, uint serial, uint minimum)
    {
        Name = name;
        Serial = serial;
        Minimum = minimum;
        MName = Wire.DnsWriter.EncodeName("ns." + name) ?? Wire.DnsWriter.EncodeName(name)!;
        RName = Wire.DnsWriter.EncodeName("hostmaster." + name) ?? Wire.DnsWriter.EncodeName(name)!;
    }

    public string Name { get; }

    public byte[] MName { get; }

    public byte[] RName { get; }

    public uint Serial { get; }

    /// <summary>The SOA's minimum and its own TTL: how long resolvers cache a negative answer (RFC 2308).</summary>
    public uint Minimum { get; }
}
