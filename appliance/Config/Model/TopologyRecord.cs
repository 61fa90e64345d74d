namespace Fulcrum.Appliance.Config.Model;

/// <summary>One topology record of a wide IP: clients in <see cref="Subnet"/> are answered from <see cref="Pool"/>.</summary>
public sealed record TopologyRecord
{
    /// <summary>A CIDR prefix such as <c>10.0.0.0/8</c> or <c>2001:db8::/32</c>.</summary>
    public required string Subnet { get; init; }
    public required string Pool { get; init; }
}
