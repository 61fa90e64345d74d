namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// What the rules asked of one direction of an L4 connection: how many bytes to hold (<c>ctx.tcp.collect</c>), and
/// during its data event the held bytes, a replacement, the release, and what <c>ctx.tcp.respond</c> queued for the
/// peer on that side. Two per connection, one per <see cref="TcpSide"/>.
/// </summary>
internal sealed class TcpHold
{
    /// <summary>Bytes to hold before the data event (a total: held bytes not yet released count); 0 for none.</summary>
    public int Collect;

    /// <summary>The wait the rule gave with its collect (<c>{timeoutMs}</c>); 0: the tcp profile's collectTimeout.</summary>
    public int CollectTimeoutMs;

    /// <summary>During the data event: the collect's wait ran out before <see cref="Collect"/> bytes arrived.</summary>
    public bool TimedOut;

    public ReadOnlyMemory<byte> Payload;

    public bool Replaced;

    public bool Released;

    /// <summary>With <see cref="Released"/>: how many bytes of the payload go on (<c>release(n)</c>); -1: all of them.</summary>
    public int ReleasedBytes = -1;

    /// <summary>Bytes for the peer of this side (the client in CLIENT_*, the server in SERVER_DATA).</summary>
    public List<byte[]>? Out;

    public List<byte[]>? TakeOut()
    {
        var o = Out;
        Out = null;
        return o;
    }
}
