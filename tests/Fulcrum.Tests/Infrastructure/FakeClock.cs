namespace Fulcrum.Tests.Infrastructure;

/// <summary>
/// The tests' one clock: it moves only when a test says so, from any thread. Wall time (<see cref="GetUtcNow"/>) and
/// timestamps (<see cref="GetTimestamp"/>, what elapsed-time code reads) advance together. Timers are not faked: code
/// under test that waits on a timer waits in real time.
/// </summary>
public sealed class FakeClock : TimeProvider
{
    /// <summary>The wall time a new clock shows.</summary>
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Not zero, so code that keeps 0 for "never" never mistakes the clock's first instant for it.
    private const long FirstTimestamp = 1_000_000_000;

    private long _elapsedTicks;

    /// <summary>How far the clock has been advanced since it was made.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks));

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _elapsedTicks, by.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => Start + Elapsed;

    public override long GetTimestamp() => FirstTimestamp + Interlocked.Read(ref _elapsedTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
