using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.L4;

/// <summary>
/// Writes to one side of an L4 connection. Normally one channel is that side's only writer and writes go straight to
/// the stream. While a rule holds the other direction, <c>ctx.tcp.respond</c> can write to this side too (back to the
/// source of the held bytes), from the other channel's task: then writes take turns through a gate, so the two never
/// interleave inside a write. When the hold is over for good the gate is dropped and the pump runs as before.
/// </summary>
public sealed class SideWriter
{
    private readonly SemaphoreSlim? _gate;
    private volatile bool _shared;

    /// <param name="shared">A rule holds the direction whose source is this side, so two tasks may write here.</param>
    public SideWriter(ProxySide side, bool shared)
    {
        Side = side;
        if (shared)
        {
            _gate = new SemaphoreSlim(1, 1);
            _shared = true;
        }
    }

    public ProxySide Side { get; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data) => _shared ? GatedWriteAsync(data) : Side.Stream.WriteAsync(data);

    /// <summary>Sends FIN after any write in progress.</summary>
    public async ValueTask ShutdownSendAsync()
    {
        if (!_shared)
        {
            Side.ShutdownSend();
            return;
        }
        await _gate!.WaitAsync().ConfigureAwait(false);
        try
        {
            Side.ShutdownSend();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The second writer is done (its hold ended) and will not write again: no more gate.</summary>
    public void EndSharing() => _shared = false;

    private async ValueTask GatedWriteAsync(ReadOnlyMemory<byte> data)
    {
        await _gate!.WaitAsync().ConfigureAwait(false);
        try
        {
            await Side.Stream.WriteAsync(data).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
