using Fulcrum.Appliance.DataPlane.Transport;

namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// Every connection's timeouts (header, keep-alive, idle, server). A connection sets a deadline with a plain write on its
/// hot path, instead of arming a timer or a CancellationTokenSource per read. Connections are kept per event loop, in a
/// list linked through the connections themselves, touched only by that loop: registering takes no lock and allocates
/// nothing, and each loop sweeps its own list (<see cref="Period"/> apart) and aborts the expired ones there, so no
/// other thread reads a loop's connections. On the fallback transport (no loops) one shared list is used under a lock.
/// </summary>
public sealed class TimeoutSweeper : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private readonly ITransport _transport;
    private readonly Shard[] _loops;
    private readonly Shard _shared = new(-1);
    private readonly Timer _timer;
    private readonly Action<object?> _sweepOnLoop;
    private readonly Action<object?> _unlinkOnLoop;

    public TimeoutSweeper(ITransport transport)
    {
        _transport = transport;
        _loops = new Shard[transport.RunsLoops ? transport.Loops : 0];
        for (var i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new Shard(i);
        }
        _sweepOnLoop = static s => ((Shard)s!).Sweep();
        _unlinkOnLoop = static s => Unlink((Timed)s!);
        _timer = new Timer(_ => Tick(), null, Period, Period);
    }

    /// <summary>Connections registered (each loop's count as last written by it).</summary>
    public int Count
    {
        get
        {
            var n = Volatile.Read(ref _shared.Count);
            foreach (var shard in _loops)
            {
                n += Volatile.Read(ref shard.Count);
            }
            return n;
        }
    }

    public void Register(Timed item)
    {
        var loop = _loops.Length == 0 ? -1 : _transport.CurrentLoop;
        if (loop >= 0)
        {
            Link(_loops[loop], item);
            return;
        }
        lock (_shared)
        {
            Link(_shared, item);
        }
    }

    public void Unregister(Timed item)
    {
        if (item.Shard is not Shard shard)
        {
            return;
        }
        if (shard.Loop < 0)
        {
            lock (_shared)
            {
                Unlink(item);
            }
        }
        else if (_transport.CurrentLoop == shard.Loop)
        {
            Unlink(item);
        }
        else
        {
            // Code that ended off its loop (after a thread-pool hop): the loop unlinks it, in order with its sweeps.
            _transport.TryPost(shard.Loop, _unlinkOnLoop, item);
        }
    }

    private static void Link(Shard shard, Timed item)
    {
        item.Shard = shard;
        item.Previous = null;
        item.Next = shard.Head;
        if (shard.Head is { } head)
        {
            head.Previous = item;
        }
        shard.Head = item;
        Volatile.Write(ref shard.Count, shard.Count + 1);
    }

    private static void Unlink(Timed item)
    {
        if (item.Shard is not Shard shard)
        {
            return;
        }
        if (item.Previous is { } previous)
        {
            previous.Next = item.Next;
        }
        else
        {
            shard.Head = item.Next;
        }
        if (item.Next is { } next)
        {
            next.Previous = item.Previous;
        }
        item.Previous = item.Next = null;
        item.Shard = null;
        Volatile.Write(ref shard.Count, shard.Count - 1);
    }

    private void Tick()
    {
        try
        {
            foreach (var shard in _loops)
            {
                _transport.TryPost(shard.Loop, _sweepOnLoop, shard);
            }
            if (Volatile.Read(ref _shared.Count) > 0)
            {
                SweepShared();
            }
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: the transport went first.
        }
    }

    private void SweepShared()
    {
        // Expired items are collected under the lock and expired after it: an abort may end its connection inline,
        // whose Unregister then takes the lock again.
        List<Timed>? expired = null;
        var now = Environment.TickCount64;
        lock (_shared)
        {
            for (var item = _shared.Head; item is not null; item = item.Next)
            {
                var deadline = item.Deadline;
                if (deadline != 0 && now >= deadline)
                {
                    (expired ??= []).Add(item);
                }
            }
        }
        if (expired is not null)
        {
            foreach (var item in expired)
            {
                item.Expire();
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private sealed class Shard(int loop)
    {
        public readonly int Loop = loop;
        public Timed? Head;
        public int Count;

        /// <summary>On the shard's loop: aborts what expired. An abort can end its own connection inline (unlinking it), so the next link is read first.</summary>
        public void Sweep()
        {
            var now = Environment.TickCount64;
            var item = Head;
            while (item is not null)
            {
                var next = item.Next;
                var deadline = item.Deadline;
                if (deadline != 0 && now >= deadline)
                {
                    item.Expire();
                }
                item = next;
            }
        }
    }
}
