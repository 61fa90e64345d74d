using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Health;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

/// <summary>The check state machine and member aggregation, on a manual clock with scripted probe answers.</summary>
public sealed class HealthStateMachineTests
{
    private static readonly ProbeResult Refused = ProbeResult.Down("tcp: connection refused");

    internal static FulcrumConfig Config(Monitor[] monitors, Pool[] pools, Node[]? nodes = null) => FulcrumConfig.Default with
    {
        Monitors = [.. FulcrumConfig.Default.Monitors.Where(m => !monitors.Any(x => x.Name == m.Name)), .. monitors],
        Pools = [.. pools],
        Nodes = [.. nodes ?? []],
    };

    private static Monitor Tcp(string name = "m", int interval = 1, int timeout = 3, int timeUntilUp = 0, bool manualResume = false, int upInterval = 0, string type = "tcp") =>
        new() { Name = name, Type = type, Interval = interval, Timeout = timeout, TimeUntilUp = timeUntilUp, ManualResume = manualResume, UpInterval = upInterval };

    private static Pool Pool(string name, string[] monitors, int minUp = 0, params string[] members) => new()
    {
        Name = name,
        Monitors = [.. monitors],
        MonitorMinUp = minUp,
        Members = [.. members.Select(m => new PoolMember { Address = m.Split(':')[0], Port = int.Parse(m.Split(':')[1]) })],
    };

    [Fact]
    public void NewMember_FirstSuccess_IsUpWithinOneInterval()
    {
        var probe = new ScriptedProbe("tcp");
        using var h = new EngineHarness(Config([Tcp()], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        Assert.Equal(HealthStatus.Unchecked, member.Health.Status);

        var took = h.RunUntil(member, HealthStatus.Up);

        Assert.True(took <= TimeSpan.FromSeconds(1), $"took {took}");
        Assert.Null(member.Health.Reason);
        Assert.Equal(h.Time.GetUtcNow(), member.Health.Since, TimeSpan.FromMilliseconds(60));
    }

    [Fact]
    public void NewMember_FirstFailure_IsDownAtOnceWithReason()
    {
        var probe = new ScriptedProbe("tcp");
        probe.Answer("10.0.0.1:80", Refused);
        using var h = new EngineHarness(Config([Tcp()], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");

        var took = h.RunUntil(member, HealthStatus.Down);

        Assert.True(took <= TimeSpan.FromSeconds(1), $"took {took}");
        Assert.Equal("tcp: connection refused", member.Health.Reason);
    }

    [Fact]
    public void UpMember_NoSuccessForTimeout_IsDownAfterTimeoutNotBefore()
    {
        var probe = new ScriptedProbe("tcp");
        using var h = new EngineHarness(Config([Tcp(interval: 1, timeout: 3)], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Up);
        h.Run(2);
        var callsBefore = probe.Calls("10.0.0.1:80");
        Assert.Equal(HealthStatus.Up, member.Health.Status);

        probe.Answer("10.0.0.1:80", Refused);
        var took = h.RunUntil(member, HealthStatus.Down);

        // The last success was at most one interval before the failures began: down 2-3 s later, never on the first failure.
        Assert.InRange(took.TotalSeconds, 2.0, 3.05);
        Assert.Equal("tcp: connection refused", member.Health.Reason);
        Assert.True(probe.Calls("10.0.0.1:80") - callsBefore >= 2);
        Assert.Equal(2, h.Monitor.Report(member)!.Transitions);
    }

    [Fact]
    public void DownMember_FirstSuccess_IsUpWithinOneInterval()
    {
        var probe = new ScriptedProbe("tcp");
        probe.Answer("10.0.0.1:80", Refused);
        using var h = new EngineHarness(Config([Tcp()], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Down);
        h.Run(3);

        probe.Answer("10.0.0.1:80", ProbeResult.Up());
        var took = h.RunUntil(member, HealthStatus.Up);

        Assert.True(took <= TimeSpan.FromSeconds(1.05), $"took {took}");
    }

    [Fact]
    public void TimeUntilUp_MemberStaysDownUntilItPassedThatLong()
    {
        var probe = new ScriptedProbe("tcp");
        probe.Answer("10.0.0.1:80", Refused);
        using var h = new EngineHarness(Config([Tcp(timeUntilUp: 5)], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Down);

        probe.Answer("10.0.0.1:80", ProbeResult.Up());
        h.Run(1.05);
        Assert.Equal(HealthStatus.Down, member.Health.Status);
        Assert.Contains("time until up", member.Health.Reason);

        // A failure in between restarts the count.
        probe.Answer("10.0.0.1:80", Refused);
        h.Run(1);
        probe.Answer("10.0.0.1:80", ProbeResult.Up());
        var took = h.RunUntil(member, HealthStatus.Up);

        Assert.InRange(took.TotalSeconds, 4.0, 6.05);
    }

    [Fact]
    public void ManualResume_DownMemberStaysDownUntilResumed()
    {
        var probe = new ScriptedProbe("tcp");
        using var h = new EngineHarness(Config([Tcp(manualResume: true)], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Up);
        probe.Answer("10.0.0.1:80", Refused);
        h.RunUntil(member, HealthStatus.Down);

        probe.Answer("10.0.0.1:80", ProbeResult.Up());
        h.Run(10);
        Assert.Equal(HealthStatus.Down, member.Health.Status);
        Assert.Contains("manual resume", member.Health.Reason);
        Assert.True(h.Monitor.Report(member)!.Checks.Single().AwaitingResume);

        var (outcome, health) = h.Monitor.Resume("web", "10.0.0.1:80");

        Assert.Equal(ResumeOutcome.Resumed, outcome);
        Assert.Equal(HealthStatus.Up, health!.Status);
        Assert.Equal(ResumeOutcome.NotHeld, h.Monitor.Resume("web", "10.0.0.1:80").Outcome);
        Assert.Equal(ResumeOutcome.MemberNotFound, h.Monitor.Resume("web", "10.0.0.9:80").Outcome);
        Assert.Equal(ResumeOutcome.PoolNotFound, h.Monitor.Resume("nope", "10.0.0.1:80").Outcome);
    }

    [Fact]
    public void ManualResume_ResumedWhileFailing_ComesUpAtNextSuccess()
    {
        var probe = new ScriptedProbe("tcp");
        using var h = new EngineHarness(Config([Tcp(manualResume: true)], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Up);
        probe.Answer("10.0.0.1:80", Refused);
        h.RunUntil(member, HealthStatus.Down);

        Assert.Equal(HealthStatus.Down, h.Monitor.Resume("web", "10.0.0.1:80").Health!.Status);
        probe.Answer("10.0.0.1:80", ProbeResult.Up());

        Assert.True(h.RunUntil(member, HealthStatus.Up) <= TimeSpan.FromSeconds(1.05));
    }

    [Theory]
    [InlineData(0, 1, HealthStatus.Down)]   // all must pass: one down is enough
    [InlineData(2, 1, HealthStatus.Up)]     // at least 2 of 3
    [InlineData(2, 2, HealthStatus.Down)]
    [InlineData(1, 2, HealthStatus.Up)]
    [InlineData(5, 2, HealthStatus.Down)]   // more than there are: all
    [InlineData(5, 0, HealthStatus.Up)]
    public void MonitorMinUp_DecidesHowManyMustPass(int minUp, int failing, HealthStatus expected)
    {
        var a = new ScriptedProbe("tcp");
        var b = new ScriptedProbe("http");
        var c = new ScriptedProbe("udp");
        var probes = new[] { a, b, c };
        for (var i = 0; i < failing; i++)
        {
            probes[i].Answer("10.0.0.1:80", ProbeResult.Down($"{probes[i].Type}: failing"));
        }
        using var h = new EngineHarness(Config([Tcp("a"), Tcp("b", type: "http"), Tcp("c", type: "udp")], [Pool("web", ["a", "b", "c"], minUp, "10.0.0.1:80")]), a, b, c);
        var member = h.Member("web", "10.0.0.1:80");

        h.Run(1.1);

        Assert.Equal(expected, member.Health.Status);
        if (expected == HealthStatus.Down)
        {
            Assert.Contains("tcp: failing", member.Health.Reason);
        }
        Assert.Equal(3, h.Monitor.Report(member)!.Checks.Count);
    }

    [Fact]
    public void NodeMonitor_GovernsEveryMemberAtItsAddress()
    {
        var tcp = new ScriptedProbe("tcp");
        var icmp = new ScriptedProbe("icmp");
        var config = Config(
            [Tcp(), Tcp("ping", type: "icmp")],
            [Pool("web", ["m"], 0, "10.0.0.1:80", "10.0.0.2:80"), Pool("api", [], 0, "10.0.0.1:8080")],
            [new Node { Name = "n1", Address = "10.0.0.1", Monitors = ["ping"] }]);
        using var h = new EngineHarness(config, tcp, icmp);
        var web1 = h.Member("web", "10.0.0.1:80");
        var web2 = h.Member("web", "10.0.0.2:80");
        var api1 = h.Member("api", "10.0.0.1:8080");
        h.Run(1.1);
        Assert.All(new[] { web1, web2, api1 }, m => Assert.Equal(HealthStatus.Up, m.Health.Status));

        icmp.Answer("10.0.0.1:0", ProbeResult.Down("icmp: timed out"));
        h.RunUntil(web1, HealthStatus.Down, maxSeconds: 3.1);

        Assert.Equal(HealthStatus.Down, web1.Health.Status);
        Assert.Equal("node n1: icmp: timed out", web1.Health.Reason);
        Assert.Equal(HealthStatus.Down, api1.Health.Status);   // no pool monitor, but its node's
        Assert.Equal(HealthStatus.Up, web2.Health.Status);
        Assert.Equal(3, h.Monitor.CheckCount);                 // one node check serves both members at 10.0.0.1
        Assert.Contains(h.Monitor.Report(web1)!.Checks, c => c.Scope == "node" && c.Monitor == "ping");
    }

    [Fact]
    public void ReceiveDisable_MarksMemberDisabledNotDown()
    {
        var probe = new ScriptedProbe("http");
        probe.Answer("10.0.0.1:80", ProbeResult.Disabled("http: receive-disable string matched"));
        using var h = new EngineHarness(Config([Tcp(type: "http")], [Pool("web", ["m"], 0, "10.0.0.1:80", "10.0.0.2:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");

        h.RunUntil(member, HealthStatus.Disabled);

        Assert.Equal("http: receive-disable string matched", member.Health.Reason);
        Assert.False(member.IsSelectable);
        Assert.Equal(1, h.Balancing.Pool("web")!.ActiveMembers);
        probe.Answer("10.0.0.1:80", ProbeResult.Up());
        Assert.True(h.RunUntil(member, HealthStatus.Up) <= TimeSpan.FromSeconds(1.05));
    }

    [Fact]
    public void Reconcile_KeepsStateOfUnchangedChecks_StopsRemovedOnes()
    {
        var probe = new ScriptedProbe("tcp");
        var config = Config([Tcp()], [Pool("web", ["m"], 0, "10.0.0.1:80")]);
        using var h = new EngineHarness(config, probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Up);
        var since = member.Health.Since;
        h.Run(2);

        // Another member and a changed description: the first member's check and state carry over.
        h.Publish(config with { Pools = [Pool("web", ["m"], 0, "10.0.0.1:80", "10.0.0.2:80") with { Description = "changed" }] });
        Assert.Same(member, h.Member("web", "10.0.0.1:80"));
        Assert.Equal(HealthStatus.Up, member.Health.Status);
        Assert.Equal(since, member.Health.Since);
        Assert.Equal(1, h.Monitor.Report(member)!.Transitions);
        Assert.Equal(2, h.Monitor.CheckCount);

        // The monitor removed from the pool: members go back to unchecked and probing stops.
        h.Publish(config with { Pools = [Pool("web", [], 0, "10.0.0.1:80", "10.0.0.2:80")] });
        Assert.Equal(HealthStatus.Unchecked, member.Health.Status);
        Assert.Equal(0, h.Monitor.CheckCount);
        var calls = probe.TotalCalls;
        h.Run(3);
        Assert.Equal(calls, probe.TotalCalls);
    }

    [Fact]
    public void UpInterval_IsUsedWhileUp()
    {
        var probe = new ScriptedProbe("tcp");
        using var h = new EngineHarness(Config([Tcp(interval: 1, timeout: 16, upInterval: 5)], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Up);
        var calls = probe.Calls("10.0.0.1:80");

        h.Run(20);

        Assert.InRange(probe.Calls("10.0.0.1:80") - calls, 3, 5);
    }

    [Fact]
    public void Scheduler_SpreadsProbesAcrossTheInterval()
    {
        var probe = new ScriptedProbe("tcp");
        var members = Enumerable.Range(0, 1000).Select(i => $"10.0.{i / 250}.{1 + i % 250}:80").ToArray();
        using var h = new EngineHarness(Config([Tcp(interval: 1, timeout: 3)], [Pool("big", ["m"], 0, members)]), probe);
        probe.Clock = () => h.Time.Elapsed;
        h.Run(3);

        // 1,000 checks at one second: about 50 probes in each 50 ms step of a second, none of them bunched.
        var perStep = probe.CallTimes.Where(t => t >= TimeSpan.FromSeconds(1) && t < TimeSpan.FromSeconds(2))
            .GroupBy(t => (int)(t.TotalMilliseconds / 50)).Select(g => g.Count()).ToArray();
        Assert.Equal(1000, perStep.Sum());
        Assert.True(perStep.Max() < 100, $"a 50 ms step ran {perStep.Max()} probes");
        Assert.All(h.Balancing.Pool("big")!.Members, m => Assert.Equal(HealthStatus.Up, m.Health.Status));
    }

    /// <summary>Regression: a down deadline a millisecond ahead, inside the pass's coalescing window, once made a pass loop forever.</summary>
    [Fact]
    public async Task RunDue_DeadlineInsideCoalescingWindow_Terminates()
    {
        var probe = new ScriptedProbe("tcp");
        using var h = new EngineHarness(Config([Tcp()], [Pool("web", ["m"], 0, "10.0.0.1:80")]), probe);
        var member = h.Member("web", "10.0.0.1:80");
        h.RunUntil(member, HealthStatus.Up);
        probe.Answer("10.0.0.1:80", Refused);

        var run = Task.Run(() =>
        {
            for (var i = 0; i < 4000 && member.Health.Status != HealthStatus.Down; i++)
            {
                h.Time.Advance(TimeSpan.FromMilliseconds(1));
                h.Monitor.RunDue();
            }
        });

        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(HealthStatus.Down, member.Health.Status);
    }
}
