using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// nginx's smooth weighted round robin: each turn every member's current weight grows by its weight, the largest
/// wins and gives back the total. 5:1:1 comes out a a b a c a a — spread, never a burst of five. nginx runs that
/// step under a lock; here the whole period (sum of the weights after dividing by their gcd) is computed once per
/// candidate set into a <see cref="RatioSchedule"/>, and a pick is one interlocked increment into it. The schedule is
/// rebuilt when the candidates or their effective weights change (a member goes down, a ramp step).
/// </summary>
internal sealed class RatioMethod : ILoadBalancingMethod
{
    private RatioSchedule? _schedule;
    private int _building;
    private uint _cursor;

    public string Name => LoadBalancingModes.Ratio;

    public RampMode Ramp => RampMode.Weight;

    public MemberState? Pick(in PickCandidates candidates, in PickContext context)
    {
        var schedule = Volatile.Read(ref _schedule);
        if (schedule is null || !schedule.Matches(candidates))
        {
            if (Interlocked.CompareExchange(ref _building, 1, 0) != 0)
            {
                // Another thread is building the new schedule: a plain weighted rotation for this pick.
                long total = 0;
                foreach (var w in candidates.Weights)
                {
                    total += w;
                }
                return candidates.Members[PickMath.Slot(candidates.Weights, (Interlocked.Increment(ref _cursor) - 1) % total)];
            }
            try
            {
                schedule = RatioSchedule.Build(candidates);
                Volatile.Write(ref _schedule, schedule);
            }
            finally
            {
                Volatile.Write(ref _building, 0);
            }
        }
        return schedule.Next(Interlocked.Increment(ref _cursor) - 1);
    }
}
