using System.Net;

namespace Fulcrum.Packet;

/// <summary>
/// The packet-mode service description the appliance hands to <see cref="PacketEngine"/>: one performance-l4 virtual
/// server as the forwarder needs it (the appliance's config model stays on its side).
/// </summary>
public sealed record PacketVirtual
{
    public required string Name { get; init; }

    public required IPEndPoint Destination { get; init; }

    public PacketProtocol Protocol { get; init; } = PacketProtocol.Tcp;

    public PacketForwarding Forwarding { get; init; } = PacketForwarding.Nat;

    public required string ClientInterface { get; init; }

    public required string ServerInterface { get; init; }

    /// <summary>Every member of the pool (any state): their addresses are resolved and their replies captured.</summary>
    public IReadOnlyList<IPEndPoint> Members { get; init; } = [];

    /// <summary>Most flows tracked at once; new flows beyond are dropped and counted.</summary>
    public int TableLimit { get; init; } = 1 << 20;

    /// <summary>True: a down member's flows are reset (TCP) or rebalanced (UDP) on their next packet; false: kept until they end.</summary>
    public bool ResetOnMemberDown { get; init; }

    public FlowTimeouts Timeouts { get; init; } = FlowTimeouts.Default;

    /// <summary>FULLNAT: the local IPv4 addresses flows toward members are sourced from (not on any kernel interface).</summary>
    public IReadOnlyList<IPAddress> SnatAddresses { get; init; } = [];

    /// <summary>FULLNAT: the local ports allocated per flow on each address, first to last.</summary>
    public ushort SnatPortFirst { get; init; } = 1024;

    public ushort SnatPortLast { get; init; } = 65535;

    /// <summary>What identifies the forwarder: a change here rebuilds it (its flow table starts empty).</summary>
    public string Signature => $"{Destination}/{Protocol}/{Forwarding}/{ClientInterface}/{ServerInterface}/{string.Join(',', Members)}/{TableLimit}/{ResetOnMemberDown}/{Timeouts}/{string.Join(',', SnatAddresses)}/{SnatPortFirst}-{SnatPortLast}";
}

public enum PacketProtocol : byte
{
    Tcp = 6,
    Udp = 17,
}

public enum PacketForwarding
{
    Nat,
    Dr,
    /// <summary>IPIP toward the member, which decapsulates and answers the client directly.</summary>
    Tun,
    /// <summary>Destination to the member and source to a local address and port (<see cref="PacketVirtual.SnatAddresses"/>); the client rides in TOA on the SYN.</summary>
    FullNat,
}
