namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>The RR types and classes the server reads or writes (RFC 1035, 3596, 6891).</summary>
public static class DnsTypes
{
    public const ushort A = 1;
    public const ushort Ns = 2;
    public const ushort Cname = 5;
    public const ushort Soa = 6;
    public const ushort Aaaa = 28;
    public const ushort Opt = 41;
    public const ushort Any = 255;

    public const ushort ClassIn = 1;

    /// <summary>EDNS option code of Client Subnet (RFC 7871).</summary>
    public const ushort EcsOption = 8;

    public static string Name(ushort type) => type switch
    {
        A => "A",
        Ns => "NS",
        Cname => "CNAME",
        Soa => "SOA",
        Aaaa => "AAAA",
        Any => "ANY",
        _ => "other",
    };
}
