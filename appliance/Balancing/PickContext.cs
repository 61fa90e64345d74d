using System.Net;

namespace Fulcrum.Appliance.Balancing;

/// <summary>What a pick may depend on: the client's address, a hash key (header, cookie, URI, rule value), a member to avoid.</summary>
public readonly record struct PickContext(IPAddress? ClientAddress, string? HashKey = null, MemberState? Exclude = null);
