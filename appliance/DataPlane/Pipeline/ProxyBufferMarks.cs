namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// A tcp profile's proxy buffer marks for the bytes the proxy reads from that side: at <see cref="High"/> bytes held
/// (read, not yet written to the other side) it stops reading from the sender, and reads again once the other side
/// has taken enough that at most <see cref="Low"/> remain (LTM's proxy-buffer-high/low; HAProxy's tune.bufsize is a
/// fixed buffer with no hysteresis). Validation keeps 1024 ≤ low &lt; high ≤ 64 MiB.
/// </summary>
public readonly record struct ProxyBufferMarks(int High, int Low);
