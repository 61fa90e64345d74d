using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>What a CLIENT_DATA / SERVER_DATA dispatch decided about the held bytes.</summary>
/// <param name="Status">Continue, or how the connection ends (Close, Reset).</param>
/// <param name="Payload">The bytes to send on (as the rule left them), when <paramref name="Release"/>.</param>
/// <param name="Release">Send <paramref name="Payload"/> on now (explicit release, or implicit: no further collect, or the source closed); false: keep holding and read more.</param>
/// <param name="Replaced">The rule assigned <c>ctx.tcp.payload</c>: <paramref name="Payload"/> is its copy, not the held bytes.</param>
/// <param name="Output">What <c>ctx.tcp.respond</c> sent back toward the source side.</param>
/// <param name="Kept">After <c>release(n)</c>: the bytes at the end of <paramref name="Payload"/> that stay held (the first ones go on); 0: none.</param>
internal readonly record struct TcpDecision(ProxyEventStatus Status, ReadOnlyMemory<byte> Payload, bool Release, bool Replaced, List<byte[]>? Output, int Kept = 0);
