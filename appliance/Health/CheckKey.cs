using System.Net;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// One probe stream: a monitor against a target. A pool member's target is its address and port; a node's target is its
/// address with port 0. Pool members in several pools with the same monitor share one check.
/// </summary>
public readonly record struct CheckKey(string Monitor, IPEndPoint Target);
