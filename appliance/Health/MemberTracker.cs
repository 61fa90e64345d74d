using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// Joins the checks that govern one pool member into its health: the pool's monitors (all of them, or at least
/// <c>monitorMinUp</c>) and the monitors of the node at the member's address (all of them). The worse side wins, in the
/// order down, disabled, unchecked, up. Not thread-safe: the <see cref="HealthMonitor"/> holds its lock.
/// </summary>
internal sealed class MemberTracker
{
    public MemberTracker(MemberState member)
    {
        Member = member;
    }

    public MemberState Member { get; }

    public string Pool => Member.Pool;

    public HealthCheck[] PoolChecks { get; private set; } = [];

    public int MinUp { get; private set; }

    public string? Node { get; private set; }

    public HealthCheck[] NodeChecks { get; private set; } = [];

    /// <summary>Status changes of the member made by the monitors.</summary>
    public long Transitions { get; private set; }

    public IEnumerable<HealthCheck> Checks => PoolChecks.Concat(NodeChecks);

    public void Assign(HealthCheck[] poolChecks, int minUp, string? node, HealthCheck[] nodeChecks)
    {
        PoolChecks = poolChecks;
        MinUp = minUp;
        Node = node;
        NodeChecks = nodeChecks;
    }

    /// <summary>The member's health from its checks now.</summary>
    public (HealthStatus Status, string? Reason) Evaluate()
    {
        var pool = Combine(PoolChecks, MinUp == 0 ? PoolChecks.Length : Math.Min(MinUp, PoolChecks.Length));
        var node = Combine(NodeChecks, NodeChecks.Length);
        var status = Rank(pool) >= Rank(node) ? pool : node;
        var reasons = new List<string>();
        Collect(reasons, PoolChecks, status, pool, null);
        Collect(reasons, NodeChecks, status, node, Node);
        return (status, reasons.Count == 0 ? null : string.Join("; ", reasons));
    }

    /// <summary>Sets the member's health from its checks; returns the previous health when the status changed, else null.</summary>
    public MemberHealth? Apply(DateTimeOffset wall)
    {
        var (status, reason) = Evaluate();
        var previous = Member.Health;
        if (previous.Status == status)
        {
            if (previous.Reason != reason)
            {
                Member.SetHealth(previous with { Reason = reason });
            }
            return null;
        }
        Transitions++;
        Member.SetHealth(new MemberHealth(status, reason, wall));
        return previous;
    }

    private static HealthStatus Combine(HealthCheck[] checks, int required)
    {
        if (checks.Length == 0)
        {
            return HealthStatus.Up;
        }
        int up = 0, disabled = 0, unchecked_ = 0;
        foreach (var c in checks)
        {
            switch (c.Status)
            {
                case HealthStatus.Up: up++; break;
                case HealthStatus.Disabled: disabled++; break;
                case HealthStatus.Unchecked: unchecked_++; break;
            }
        }
        if (up >= required)
        {
            return HealthStatus.Up;
        }
        if (up + disabled >= required)
        {
            return HealthStatus.Disabled;
        }
        return up + disabled + unchecked_ >= required ? HealthStatus.Unchecked : HealthStatus.Down;
    }

    private static int Rank(HealthStatus status) => status switch
    {
        HealthStatus.Down => 3,
        HealthStatus.Disabled => 2,
        HealthStatus.Unchecked => 1,
        _ => 0,
    };

    /// <summary>Reasons that explain <paramref name="status"/>: the checks of that status on the side that has it (up: any notes, e.g. a half-open fallback).</summary>
    private static void Collect(List<string> reasons, HealthCheck[] checks, HealthStatus status, HealthStatus side, string? node)
    {
        if (side != status || status == HealthStatus.Unchecked)
        {
            return;
        }
        foreach (var c in checks)
        {
            if (c.Status == status && c.Reason is { } r)
            {
                var text = node is null ? r : $"node {node}: {r}";
                if (!reasons.Contains(text))
                {
                    reasons.Add(text);
                }
            }
        }
    }
}
