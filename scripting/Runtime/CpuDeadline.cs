using System.Diagnostics;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// A rule's time limit, counted in CPU time of the dispatching thread, with a wall-clock backstop
/// (<see cref="BackstopFactor"/> times the limit, at least <see cref="MinBackstop"/>) so a thread that is never scheduled
/// still ends. During a dispatch the host holds it (<see cref="Begin"/>, <see cref="End"/>) and carries what the rule
/// used into its next handler of the same event, so all of them share one budget; outside a dispatch (loading the rule,
/// the host's own calls into the engine) every top-level call gets the whole <see cref="Budget"/>.
/// </summary>
/// <remarks>
/// Reading the thread's CPU clock is a system call costing a third of a cheap event, so it is read only when the answer
/// could change: CPU time never exceeds wall time, so while a handler's wall time is short and under what is left, the
/// wall clock alone proves it is within its limit. The first check at or past <see cref="_exactAfter"/> of wall time
/// anchors the CPU clock; from there the charge is exact CPU time. The stretch before the anchor is charged by the wall
/// clock up to the previous check (each under <see cref="_exactAfter"/>) plus at most <see cref="_exactAfter"/> for the
/// gap to the anchoring check, so a thread descheduled in that gap is not charged for it. Jint calls <see cref="Check"/>
/// every 64 statements and every 10,000 iterations of a built-in's loop; handlers shorter than
/// <see cref="_exactAfter"/> never read the CPU clock at all.
/// </remarks>
internal sealed class CpuDeadline : Constraint
{
    public const int BackstopFactor = 10;
    public static readonly TimeSpan MinBackstop = TimeSpan.FromMilliseconds(500);

    private static readonly long MaxExactAfter = Stopwatch.Frequency / 1000;

    private long _limit;
    private long _backstop;
    private long _exactAfter;
    private bool _held;

    private long _start;
    private long _wallBefore;
    private long _lastCheck;
    private long _charged;
    private long _chargedAt;
    private long _cpuAt = -1;

    public CpuDeadline(TimeSpan budget) => Budget = budget;

    /// <summary>The CPU time one event (or, outside a dispatch, one call) may use.</summary>
    public TimeSpan Budget
    {
        get;
        set
        {
            field = value;
            _limit = (long)(value.TotalSeconds * Stopwatch.Frequency);
            _backstop = Math.Max(_limit * BackstopFactor, (long)(MinBackstop.TotalSeconds * Stopwatch.Frequency));
            _exactAfter = Math.Min(MaxExactAfter, _limit / 4);
        }
    }

    /// <summary>The wall-clock backstop in effect.</summary>
    public TimeSpan Backstop => TimeSpan.FromSeconds((double)_backstop / Stopwatch.Frequency);

    /// <summary>True when the last overrun was the wall-clock backstop rather than the CPU limit.</summary>
    public bool OverranBackstop { get; private set; }

    // A clock is only observed, never consumed: checking every N statements just delays noticing the overrun.
    public override bool IsAmortizable => true;

    public override void Check()
    {
        var now = Stopwatch.GetTimestamp();
        if (_wallBefore + (now - _start) > _backstop)
        {
            OverranBackstop = true;
            throw new TimeoutException();
        }
        if (_cpuAt < 0)
        {
            if (now - _start < _exactAfter && _charged + (now - _chargedAt) <= _limit)
            {
                _lastCheck = now;
                return;
            }
            _charged += UnmeasuredStretch(now);
            _chargedAt = now;
            _cpuAt = ThreadCpuClock.Now();
        }
        else if (_charged + (now - _chargedAt) > _limit)
        {
            var cpu = ThreadCpuClock.Now();
            _charged += cpu - _cpuAt;
            _cpuAt = cpu;
            _chargedAt = now;
        }
        if (_charged > _limit)
        {
            OverranBackstop = false;
            throw new TimeoutException();
        }
    }

    public override void Reset()
    {
        if (!_held)
        {
            Arm(default, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Arms the limit for one handler call, with what the rule has already used in this event.</summary>
    public void Begin(in EventUsage used, long now)
    {
        Arm(used, now);
        _held = true;
    }

    /// <summary>Releases the limit and adds this handler call to <paramref name="used"/>.</summary>
    public void End(ref EventUsage used, long now)
    {
        _held = false;
        used.Cpu = _cpuAt < 0 ? _charged + UnmeasuredStretch(now) : _charged + (ThreadCpuClock.Now() - _cpuAt);
        used.Wall = _wallBefore + (now - _start);
    }

    private void Arm(in EventUsage used, long now)
    {
        _start = now;
        _lastCheck = now;
        _chargedAt = now;
        _cpuAt = -1;
        _charged = used.Cpu;
        _wallBefore = used.Wall;
    }

    /// <summary>Wall time up to the last check (each under the exact threshold), and at most that threshold after it.</summary>
    private long UnmeasuredStretch(long now) => (_lastCheck - _chargedAt) + Math.Min(now - _lastCheck, _exactAfter);
}
