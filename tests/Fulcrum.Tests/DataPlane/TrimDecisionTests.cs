using Fulcrum.Appliance.DataPlane;

namespace Fulcrum.Tests.DataPlane;

/// <summary>When the memory trimmer runs a full collection: after a large drop in live connections has settled, not during it, not for small drops, not too often.</summary>
public sealed class TrimDecisionTests
{
    private static readonly long Interval = (long)TrimDecision.MinInterval.TotalMilliseconds;

    [Fact]
    public void Observe_DropSettled_TrimsOnceWithThePeak()
    {
        var d = new TrimDecision();
        Assert.Null(d.Observe(0, 5000));
        Assert.Null(d.Observe(5_000, 0));     // still falling: the closing wave may go on
        Assert.Equal(5000, d.Observe(10_000, 0));
        Assert.Null(d.Observe(15_000 + Interval, 0)); // nothing new fell since
    }

    [Fact]
    public void Observe_SmallOrPartialDrop_DoesNotTrim()
    {
        var d = new TrimDecision();
        d.Observe(0, TrimDecision.MinDrop - 1);
        d.Observe(5_000, 0);
        Assert.Null(d.Observe(10_000, 0));    // fewer than MinDrop connections went

        var e = new TrimDecision();
        e.Observe(0, 10_000);
        e.Observe(5_000, 6_000);
        Assert.Null(e.Observe(10_000, 6_000)); // 40% of the peak went: not half
    }

    [Fact]
    public void Observe_SecondDropWithinInterval_WaitsForTheInterval()
    {
        var d = new TrimDecision();
        d.Observe(0, 2000);
        d.Observe(5_000, 0);
        Assert.Equal(2000, d.Observe(10_000, 0));
        d.Observe(15_000, 3000);
        d.Observe(20_000, 0);
        Assert.Null(d.Observe(25_000, 0));
        Assert.Equal(3000, d.Observe(10_000 + Interval, 0));
    }
}
