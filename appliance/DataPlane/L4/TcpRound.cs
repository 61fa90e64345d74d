using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>One hold of a direction, ended: the bytes to send on, or how the rule ended the connection.</summary>
/// <param name="Status">Continue, or Close / Reset decided by the rule.</param>
/// <param name="Payload">Bytes to send on (may point into the collector's buffer: write them before the next round).</param>
public readonly record struct TcpRound(ProxyEventStatus Status, ReadOnlyMemory<byte> Payload);
