using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using static Fulcrum.Appliance.DataPlane.Transport.Epoll.Native;

namespace Fulcrum.Appliance.DataPlane.Transport.Epoll;

/// <summary>Something registered with a loop: a connection or a listener.</summary>
internal interface ILoopHandler
{
    void OnEvents(uint events);
}

/// <summary>Something a loop calls back at a time (a connect timeout); <paramref name="due"/> tells a stale entry from the armed one.</summary>
internal interface ILoopTimer
{
    void OnTimer(long due);
}

/// <summary>
/// One epoll instance driven by one thread. Up to 256 readiness events per epoll_wait, each handled inline: the
/// awaiting proxy code of a connection runs right here (its awaitables complete on this thread), so a request costs
/// no thread hop. The loop owns its sockets; code elsewhere reaches it through <see cref="Post"/>, which queues the
/// work and wakes the loop with one eventfd write (skipped while a wake-up is already pending). Timers (connect
/// timeouts) are a heap whose earliest entry is the epoll_wait timeout.
/// Must never run here: anything that blocks (file or console I/O, DNS, a lock held elsewhere, rule-set builds).
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;

    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly int _ep;
    private readonly int _wakeFd;
    private readonly byte* _events;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<(Action<object?> Action, object? State)> _posted = new();
    private readonly PriorityQueue<ILoopTimer, long> _timers = new();
    private (ILoopHandler? Handler, uint Gen)[] _slots = new (ILoopHandler?, uint)[1024];
    private int _wakePending;
    private uint _gen;
    private volatile bool _stopping;

    public EventLoop(int index, ILogger logger)
    {
        Index = index;
        _logger = logger;
        _ep = epoll_create1(EFD_CLOEXEC);
        if (_ep < 0)
        {
            throw Exception(Errno);
        }
        _wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (_wakeFd < 0)
        {
            throw Exception(Errno);
        }
        var ev = stackalloc byte[16];
        WriteEvent(ev, EPOLLIN, WakeToken);
        if (epoll_ctl(_ep, EPOLL_CTL_ADD, _wakeFd, ev) != 0)
        {
            throw Exception(Errno);
        }
        _events = (byte*)NativeMemory.AlignedAlloc((nuint)(EventStride * MaxEvents), 64);
        _thread = new Thread(Run) { IsBackground = true, Name = $"fulcrum-loop-{index}" };
        _thread.Start();
    }

    public int Index { get; }

    /// <summary>The loop whose thread is running the caller, or null.</summary>
    public static EventLoop? Current => t_current;

    public bool IsCurrent
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current == this;
    }

    /// <summary>Events handled and epoll_wait calls made (a batching figure for the status).</summary>
    public long EventsHandled { get; private set; }

    public long Waits { get; private set; }

    /// <summary>Binds a handler to its fd with a fresh generation; returns the generation (never 0).</summary>
    public uint Attach(ILoopHandler handler, int fd)
    {
        AssertOnLoop();
        if (fd >= _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(fd + 1, _slots.Length * 2));
        }
        var gen = ++_gen == 0 ? ++_gen : _gen;
        _slots[fd] = (handler, gen);
        return gen;
    }

    /// <summary>Registers for readiness: edge-triggered read and write for connections, level-triggered read for listeners.</summary>
    public int Register(int fd, uint gen, bool edge)
    {
        var ev = stackalloc byte[16];
        WriteEvent(ev, edge ? EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET : EPOLLIN, ((ulong)gen << 32) | (uint)fd);
        return epoll_ctl(_ep, EPOLL_CTL_ADD, fd, ev) == 0 ? 0 : Errno;
    }

    public void Unregister(int fd) => epoll_ctl(_ep, EPOLL_CTL_DEL, fd, null);

    /// <summary>Forgets the handler of <paramref name="fd"/>; the caller closes the fd after this (events still queued for it are then ignored by generation).</summary>
    public void Detach(int fd)
    {
        AssertOnLoop();
        if ((uint)fd < (uint)_slots.Length)
        {
            _slots[fd] = default;
        }
    }

    /// <summary>Forgets <paramref name="fd"/>'s handler if it is still generation <paramref name="gen"/> (a socket that moved to another loop).</summary>
    public void Detach(int fd, uint gen)
    {
        AssertOnLoop();
        if ((uint)fd < (uint)_slots.Length && _slots[fd].Gen == gen)
        {
            _slots[fd] = default;
        }
    }

    /// <summary>Runs <paramref name="action"/> on this loop, soon. Safe from any thread.</summary>
    public void Post(Action<object?> action, object? state)
    {
        _posted.Enqueue((action, state));
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            ulong one = 1;
            write(_wakeFd, (byte*)&one, 8);
        }
    }

    /// <summary>Calls <paramref name="timer"/> at <paramref name="due"/> (Environment.TickCount64) or a little later.</summary>
    public void Schedule(ILoopTimer timer, long due)
    {
        AssertOnLoop();
        _timers.Enqueue(timer, due);
    }

    /// <summary>An awaitable that continues on this loop (at once when already on it).</summary>
    public LoopSwitch SwitchTo() => new(this);

    [Conditional("DEBUG")]
    public void AssertOnLoop() => Debug.Assert(IsCurrent || !_thread.IsAlive, $"loop {Index} object touched from another thread");

    private void Run()
    {
        t_current = this;
        while (!_stopping)
        {
            var timeout = NextTimeout();
            var n = epoll_wait(_ep, _events, MaxEvents, timeout);
            if (n < 0)
            {
                var errno = Errno;
                if (errno == EINTR)
                {
                    continue;
                }
                TransportLog.LoopFailed(_logger, Index, errno);
                return;
            }
            Waits++;
            EventsHandled += n;
            for (var i = 0; i < n; i++)
            {
                var e = _events + (i * EventStride);
                var events = *(uint*)e;
                var data = Unsafe.ReadUnaligned<ulong>(e + EventDataOffset);
                if (data == WakeToken)
                {
                    ulong value;
                    read(_wakeFd, (byte*)&value, 8);
                    continue;
                }
                var fd = (int)(uint)data;
                var gen = (uint)(data >> 32);
                if ((uint)fd < (uint)_slots.Length && _slots[fd] is { Handler: { } handler } slot && slot.Gen == gen)
                {
                    try
                    {
                        handler.OnEvents(events);
                    }
                    catch (Exception ex)
                    {
                        TransportLog.HandlerFailed(_logger, ex, Index);
                    }
                }
            }
            RunPosted();
            RunTimers();
        }
    }

    private void RunPosted()
    {
        if (Volatile.Read(ref _wakePending) == 0 && _posted.IsEmpty)
        {
            return;
        }
        // Cleared before draining: a Post that lands after this line writes the eventfd again, so nothing waits a turn.
        Volatile.Write(ref _wakePending, 0);
        while (_posted.TryDequeue(out var work))
        {
            try
            {
                work.Action(work.State);
            }
            catch (Exception ex)
            {
                TransportLog.HandlerFailed(_logger, ex, Index);
            }
        }
    }

    private int NextTimeout()
    {
        if (!_posted.IsEmpty)
        {
            return 0;
        }
        if (!_timers.TryPeek(out _, out var due))
        {
            return -1;
        }
        return (int)Math.Clamp(due - Environment.TickCount64, 0, int.MaxValue);
    }

    private void RunTimers()
    {
        if (_timers.Count == 0)
        {
            return;
        }
        var now = Environment.TickCount64;
        while (_timers.TryPeek(out var timer, out var due) && due <= now)
        {
            _timers.Dequeue();
            try
            {
                timer.OnTimer(due);
            }
            catch (Exception ex)
            {
                TransportLog.HandlerFailed(_logger, ex, Index);
            }
        }
    }

    private static void WriteEvent(byte* ev, uint events, ulong data)
    {
        *(uint*)ev = events;
        Unsafe.WriteUnaligned(ev + EventDataOffset, data);
    }

    public void Dispose()
    {
        _stopping = true;
        Post(static _ => { }, null);
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}

/// <summary>Awaiting it moves the rest of an async method onto the loop (a no-op when already there).</summary>
internal readonly struct LoopSwitch : ICriticalNotifyCompletion
{
    private readonly EventLoop _loop;

    public LoopSwitch(EventLoop loop) => _loop = loop;

    public LoopSwitch GetAwaiter() => this;

    public bool IsCompleted => _loop.IsCurrent;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => _loop.Post(static c => ((Action)c!)(), continuation);

    public void UnsafeOnCompleted(Action continuation) => _loop.Post(static c => ((Action)c!)(), continuation);
}
