using System.Net;

namespace Fulcrum.Packet.Balancing;

/// <summary>
/// What packet mode knows when a new flow arrives and a member must be picked: the virtual server it was addressed
/// to, the client's address and port, and a hash key when the virtual hashes on something other than the address.
/// </summary>
public readonly record struct FlowRequest(string Virtual, IPAddress ClientAddress, int ClientPort, string? HashKey = null);
