namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>One tracked packet-mode flow (a line of <c>ipvsadm -Lnc</c>): state, seconds until it expires, client, virtual, member, traffic client to member.</summary>
public sealed record ConnectionEntry(string Virtual, string Protocol, string State, long ExpiresIn, string Client, string Destination, string Member, long Packets, long Bytes);
