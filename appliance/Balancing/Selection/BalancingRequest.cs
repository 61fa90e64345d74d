using System.Net;

namespace Fulcrum.Appliance.Balancing.Selection;

/// <summary>
/// The small request every selection starts from, whoever asks (the full proxy through its adapter, packet mode for a
/// new flow): the virtual server, the client's address and port, a hash key (null: hash the client address), and a
/// member to avoid (a reselect).
/// </summary>
public readonly record struct BalancingRequest(string Virtual, IPAddress? ClientAddress, int ClientPort, string? HashKey = null, MemberState? Exclude = null)
{
    /// <summary>What the pool's method reads: the hash key when there is one, else the client address.</summary>
    public PickContext PickContext => HashKey is null ? new PickContext(ClientAddress, null, Exclude) : new PickContext(null, HashKey, Exclude);
}
