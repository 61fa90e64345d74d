using System.Collections.Concurrent;

namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// One timer for every connection's timeouts (header, keep-alive, idle, server). A connection sets a deadline with a
/// plain write on its hot path, instead of arming a timer or a CancellationTokenSource per read; the sweeper walks the
/// registered connections a few times a second and aborts the expired ones. Resolution is <see cref="Period"/>.
/// </summary>
public sealed class TimeoutSweeper : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<ITimed, byte> _items = new(ReferenceEqualityComparer.Instance);
    private readonly Timer _timer;

    public TimeoutSweeper()
    {
        _timer = new Timer(_ => Sweep(), null, Period, Period);
    }

    public int Count => _items.Count;

    public void Register(ITimed item) => _items.TryAdd(item, 0);

    public void Unregister(ITimed item) => _items.TryRemove(item, out _);

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (item, _) in _items)
        {
            var deadline = item.Deadline;
            if (deadline != 0 && now >= deadline)
            {
                item.Expire();
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
