namespace Fulcrum.Packet;

/// <summary>One row of the connection table as shown (like a line of <c>ipvsadm -Lnc</c>).</summary>
public sealed record FlowView(string Protocol, TcpState State, long ExpiresInSeconds, string Client, string Virtual, string Member, long Packets, long Bytes);
