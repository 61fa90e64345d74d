using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Tests.Health;

/// <summary>
/// Timing checks for live monitors at interval 1 s, timeout 3 s. Down is due 3 s after the last success, which was at
/// most one interval before the failure began: 2–3 s after it, plus scheduling slack. Up is due at the next probe:
/// within one interval, plus slack. Down is judged as the issue states it: within one interval of when it is due (a
/// failing probe must itself finish, a UDP probe by waiting for its answer, before the member can be marked down).
/// </summary>
public static class LiveAssert
{
    // Up is due at the first probe after the server is fixed (within one interval); the issue allows detection within
    // one interval of when it is due, which also covers a probe already in flight when the fix landed.
    private const double Slack = 1.0;

    public static async Task UpSoonAsync(LiveMonitor live)
    {
        var took = await live.WaitForAsync(HealthStatus.Up, 1 + Slack + 3);
        Assert.True(took.TotalSeconds <= 1 + Slack, $"up after {took.TotalSeconds:F2}s, expected within one interval");
    }

    public static async Task DownAfterTimeoutAsync(LiveMonitor live, string reasonPattern)
    {
        var took = await live.WaitForAsync(HealthStatus.Down, 3 + 1 + 3);
        Assert.True(took.TotalSeconds is >= 2 - 0.1 and <= 3 + 1, $"down after {took.TotalSeconds:F2}s, expected 2-3s (timeout 3s after the last success) and within one interval of that");
        Assert.Matches(reasonPattern, live.Member.Health.Reason);
    }

    public static async Task StatusSoonAsync(LiveMonitor live, HealthStatus status, string? reasonPattern)
    {
        var took = await live.WaitForAsync(status, 1 + Slack + 3);
        Assert.True(took.TotalSeconds <= 1 + Slack, $"{status} after {took.TotalSeconds:F2}s, expected within one interval");
        if (reasonPattern is not null)
        {
            Assert.Matches(reasonPattern, live.Member.Health.Reason);
        }
    }
}
